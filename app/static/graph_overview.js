/* The overview of a large lineage graph: one node per (kind, distance) group, opened on click.
 *
 * The server sends the groups with their counts and every artifact compactly
 * (app/dashboard/graph_overview.py); this script places columns left to right by
 * distance across the container's width, merges the edges of closed groups, draws
 * relation labels only where they fit, keeps the path to the selected node highlighted
 * and finds an artifact by name. Every text it shows goes to the canvas, to text nodes
 * or to form values, never to innerHTML, so a name like <img src=x onerror=...> stays text.
 * graph.js calls window.ownergraphOverview(container, data, helpers) for such graphs.
 */
(function () {
  "use strict";

  var GROUP_H = 84;      // vertical slot of a group node (three lines of text and margin)
  var MEMBER_H = 36;     // vertical slot of an artifact node (one line)
  var EDGE = {color: "#a3adb8", highlight: "#1f2933", hover: "#52606d"};
  var PATH = {color: "#1f2933", highlight: "#1f2933", hover: "#1f2933"};

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function kindWords(kind, n) {
    var word = kind.replace(/_/g, " ");
    return n === 1 ? word : word + "s";
  }

  /* Long names lose their middle, not their end: siblings often differ only at the end
     (".../dataset-d1-0007"), and the full name is in the tooltip and the status line. */
  function shorten(text, max) {
    if (text.length <= max) { return text; }
    var head = Math.floor((max - 1) * 0.4);
    return text.slice(0, head) + "\u2026" + text.slice(text.length - (max - 1 - head));
  }

  window.ownergraphOverview = function (container, data, helpers) {
    var id = container.id;
    var style = data.style;
    var byId = {};
    data.nodes.forEach(function (n) {
      n.label = (n.recent ? "\u25b2 " : "") + n.id;
      byId[n.id] = n;
    });
    var groups = {};
    data.groups.forEach(function (g) { groups[g.id] = g; });
    var expanded = {};
    var pos = {};          // visible node id -> {x, y}
    var slot = {};         // visible node id -> its vertical slot (canvas units)
    var visibleEdges = [];
    var selected = null;
    var onPath = {nodes: [], edges: []};
    var status = document.getElementById(id + "-status");
    var nodes = new vis.DataSet();
    var edges = new vis.DataSet();
    var network = new vis.Network(container, {nodes: nodes, edges: edges}, {
      autoResize: true,
      layout: {improvedLayout: false},
      physics: false,
      nodes: {shape: "box", margin: 6, borderWidthSelected: 3,
              font: {face: "Inter, system-ui, -apple-system, Segoe UI, sans-serif", size: 12, color: "#111"}},
      edges: {arrows: {to: {enabled: true, scaleFactor: 0.5}}, color: EDGE, width: 1.2,
              font: {size: 10, color: "#52606d", strokeWidth: 3, strokeColor: "#ffffff", align: "middle"},
              smooth: {enabled: true, type: "cubicBezier", forceDirection: "horizontal", roundness: 0.45}},
      interaction: {hover: true, tooltipDelay: 120, keyboard: false, multiselect: false}
    });
    var levels = data.columns.map(function (c) { return c.level; });
    /* The page's artifact keeps its whole name (up to 45 % of the width), so its column is
       as wide as the name needs; the other columns share the rest of the container's width. */
    var width = container.clientWidth || 900;
    var centreLevel = byId[data.centre].level;
    var centreChar = byId[data.centre].failing ? 9.2 : 8.6;
    var centreW = Math.min(width * 0.45, Math.max(150, byId[data.centre].label.length * centreChar + 40));
    var centreChars = Math.floor((centreW - 40) / centreChar);
    var colW = levels.length > 1 ? Math.max(150, (width - centreW) / (levels.length - 1)) : width;
    var labelChars = Math.max(14, Math.floor((colW - 24) / 6.8));
    var colX = [];
    levels.reduce(function (x, level, col) {
      var w = level === centreLevel ? Math.max(centreW, colW) : colW;
      colX[col] = x + w / 2;
      return x + w;
    }, 0);

    /* Inside an open group, a namespace every member shares ("warehouse/") is left out
       of the labels: the names then differ where they are drawn. */
    var shared = {};
    data.groups.forEach(function (g) {
      var first = g.members[0], cut = first.lastIndexOf("/") + 1;
      var prefix = first.slice(0, cut);
      shared[g.id] = cut > 0 && g.members.every(function (m) { return m.slice(0, cut) === prefix; }) ? cut : 0;
    });

    function artifactNode(n) {
      var kindColour = style.kinds[n.kind] || style.kinds.other;
      var risk = style.risk[n.risk] || style.risk.none;
      var text = n.group && shared[n.group] ? (n.recent ? "\u25b2 " : "") + n.id.slice(shared[n.group]) : n.label;
      var node = {id: n.id, label: shorten(text, n.id === data.centre ? centreChars : labelChars),
                  title: helpers.tooltip(n.tooltip),
                  color: {background: kindColour, border: risk[0], highlight: {background: kindColour, border: "#111"}},
                  borderWidth: risk[1]};
      if (n.recent) { node.shapeProperties = {borderDashes: [6, 3]}; }
      if (n.failing) {
        node.color = {background: style.failing.background, border: style.failing.border, highlight: style.failing};
        node.borderWidth = 5;
        node.font = {color: "#fff", size: 15};
      } else if (n.id === data.centre) {
        node.borderWidth = 3;
        node.color.border = "#1f2933";
        node.font = {size: 14};
      }
      return node;
    }

    function groupLabel(g) {
      return (expanded[g.id] ? "\u25be " : "\u25b8 ") + g.count + " " + kindWords(g.kind, g.count) + "\n" +
             (g.no_owner ? g.no_owner + " no owner" : "all owned") + "\n" +
             (g.recent ? "\u25b2 " + g.recent + " changed" : "none changed");
    }

    function groupNode(g) {
      var kindColour = style.kinds[g.kind] || style.kinds.other;
      var lines = [g.count + " " + kindWords(g.kind, g.count) + " at " + g.place,
                   g.no_owner + " with no active owner", g.recent + " changed recently",
                   expanded[g.id] ? "click to close the group" : "click to open the group"];
      return {id: g.id, label: groupLabel(g), title: helpers.tooltip(lines), shape: "box", margin: 9,
              font: {size: 13, color: "#111"},
              color: {background: kindColour, border: expanded[g.id] ? "#1f2933" : "#5f6b7a",
                      highlight: {background: kindColour, border: "#111"}},
              borderWidth: expanded[g.id] ? 2.5 : 1.2,
              widthConstraint: {minimum: Math.min(120, colW - 24), maximum: colW - 24}};
    }

    function visibleIds() {
      var out = [data.centre];
      data.groups.forEach(function (g) {
        out.push(g.id);
        if (expanded[g.id]) { out = out.concat(g.members); }
      });
      return out;
    }

    function layout() {
      pos = {}; slot = {};
      var top = 0;
      levels.forEach(function (level, col) {
        var column = [];
        if (byId[data.centre].level === level) { column.push([data.centre, GROUP_H]); }
        data.groups.forEach(function (g) {
          if (g.level !== level) { return; }
          column.push([g.id, GROUP_H]);
          if (expanded[g.id]) { g.members.forEach(function (m) { column.push([m, MEMBER_H]); }); }
        });
        var total = column.reduce(function (s, c) { return s + c[1]; }, 0);
        var y = -total / 2;
        top = Math.min(top, y);
        column.forEach(function (c) {
          pos[c[0]] = {x: colX[col], y: y + c[1] / 2};
          slot[c[0]] = c[1];
          y += c[1];
        });
      });
      return top;
    }

    /* Column titles ("distance 2") above the columns: text, not clickable. */
    function headers(top) {
      return data.columns.map(function (c, col) {
        return {id: "column:" + c.level, label: c.title, shape: "text", x: colX[col], y: top - 18,
                font: {size: 12, color: "#7b8794"}, chosen: false};
      });
    }

    function representative(nid) {
      var n = byId[nid];
      return n && n.group && !expanded[n.group] ? n.group : nid;
    }

    function mergeEdges() {
      var merged = {};
      var order = [];
      data.edges.forEach(function (e) {
        var a = representative(e.from), b = representative(e.to);
        if (a === b) { return; }
        var key = a + "\u0000" + b;
        if (!merged[key]) { merged[key] = {id: key, from: a, to: b, n: 0, rels: {}}; order.push(key); }
        merged[key].n += 1;
        (e.label || "").split(", ").forEach(function (r) { if (r) { merged[key].rels[r] = true; } });
      });
      return order.map(function (key) {
        var m = merged[key];
        var rels = Object.keys(m.rels).sort().join(", ");
        m.text = m.n > 1 ? plural(m.n, "link", "links") + (rels ? ": " + rels : "") : rels;
        return m;
      });
    }

    function edgeItem(m) {
      var highlighted = onPath.edges.indexOf(m.id) >= 0;
      var base = m.n > 1 ? Math.min(6, 1.2 + Math.log(m.n) / Math.LN2 * 0.8) : 1.2;
      return {id: m.id, from: m.from, to: m.to, label: m.shown ? m.text : "",
              title: helpers.tooltip([m.text || "lineage"]),
              color: highlighted ? PATH : EDGE, width: highlighted ? Math.max(3, base) : base};
    }

    /* A relation label is drawn only where it fits: the edge is long enough on screen for
       the text, and its ends have room for a line of text per edge they hold. */
    function fitLabels() {
      var scale = network.getScale();
      var changed = [];
      var degree = {};
      visibleEdges.forEach(function (m) {
        degree[m.from] = (degree[m.from] || 0) + 1;
        degree[m.to] = (degree[m.to] || 0) + 1;
      });
      visibleEdges.forEach(function (m) {
        var length = helpers.visibleLength(network, m.from, m.to) * scale;
        var room = Math.min(slot[m.from] / degree[m.from], slot[m.to] / degree[m.to]) * scale;
        var shown = !!m.text && length >= m.text.length * 5.8 + 40 && room >= 22;
        if (shown !== m.shown) { m.shown = shown; changed.push({id: m.id, label: shown ? m.text : ""}); }
      });
      if (changed.length) { edges.update(changed); }
    }

    function highlight() {
      onPath = pathTo(selected);
      var marks = {};
      onPath.nodes.forEach(function (n) { marks[n] = true; });
      nodes.update(visibleIds().map(function (n) {
        return {id: n, shadow: marks[n] ? {enabled: true, color: "rgba(31,41,51,0.6)", size: 14, x: 0, y: 0}
                                        : {enabled: false}};
      }));
      edges.update(visibleEdges.map(edgeItem));
      api.path = onPath.nodes.slice();
    }

    /* One shortest path between the page's artifact and ``target``, in the direction data
       flows (downstream for impact, upstream for an incident): its nodes and edges. */
    function pathTo(target) {
      if (!target || !pos[target]) { return {nodes: [], edges: []}; }
      var tries = [["from", "to"], ["to", "from"]];
      for (var t = 0; t < tries.length; t++) {
        var src = tries[t][0], dst = tries[t][1];
        var out = {};
        visibleEdges.forEach(function (e) { (out[e[src]] = out[e[src]] || []).push(e); });
        var via = {}; via[data.centre] = null;
        var queue = [data.centre];
        for (var i = 0; i < queue.length && via[target] === undefined; i++) {
          (out[queue[i]] || []).forEach(function (e) {
            if (via[e[dst]] === undefined) { via[e[dst]] = e; queue.push(e[dst]); }
          });
        }
        if (via[target] === undefined) { continue; }
        var path = {nodes: [target], edges: []};
        for (var e = via[target]; e; e = via[e[src]]) {
          path.edges.push(e.id);
          path.nodes.push(e[src]);
        }
        return path;
      }
      return {nodes: [target], edges: []};
    }

    function redraw() {
      var ids = visibleIds();
      var want = {};
      ids.forEach(function (n) { want[n] = true; });
      data.columns.forEach(function (c) { want["column:" + c.level] = true; });
      nodes.remove(nodes.getIds().filter(function (n) { return !want[n]; }));
      var top = layout();
      var items = ids.map(function (n) {
        var item = groups[n] ? groupNode(groups[n]) : artifactNode(byId[n]);
        item.x = pos[n].x; item.y = pos[n].y;
        return item;
      });
      nodes.update(items.concat(headers(top)));
      visibleEdges = mergeEdges();
      edges.clear();
      edges.add(visibleEdges.map(edgeItem));
      if (selected && !want[selected]) { selected = representative(selected); }
      highlight();
      fitLabels();
      api.expanded = Object.keys(expanded).filter(function (g) { return expanded[g]; });
    }

    function say(parts) {
      while (status.firstChild) { status.removeChild(status.firstChild); }
      parts.forEach(function (p) {
        if (typeof p === "string") { status.appendChild(document.createTextNode(p)); return; }
        var a = document.createElement("a");
        a.textContent = p.text;
        if (p.url && p.url.charAt(0) === "/") { a.href = p.url; }
        status.appendChild(a);
      });
    }

    function select(nid) {
      selected = nid;
      if (nid) { network.selectNodes([nid]); } else { network.unselectAll(); }
      highlight();
      if (!nid) { say([]); return; }
      if (groups[nid]) {
        var g = groups[nid];
        say([g.count + " " + kindWords(g.kind, g.count) + " at " + g.place + (expanded[nid] ? " (open)" : "") + "; " + g.no_owner + " with no active owner, " +
             g.recent + " changed recently." +
             (expanded[nid] && shared[nid] ? " Names drawn without \u201c" + g.members[0].slice(0, shared[nid]) +
              "\u201d." : "")]);
      } else {
        say(["Selected ", {text: nid, url: byId[nid].url}, " (" + byId[nid].kind.replace(/_/g, " ") +
             "); double-click it to open its page."]);
      }
    }

    function view(gid) {
      network.fit({animation: false, maxZoomLevel: 1});
      if (gid && network.getScale() < 0.5) {
        var p = pos[gid];
        var scale = 0.9;
        network.moveTo({position: {x: p.x, y: p.y + (container.clientHeight * 0.4) / scale}, scale: scale,
                        animation: false});
      }
      fitLabels();
    }

    function toggle(gid) {
      expanded[gid] = !expanded[gid];
      redraw();
      select(gid);
      view(expanded[gid] ? gid : null);
    }

    var matches = {query: null, list: [], at: -1};

    function find(text) {
      var q = (text || "").trim();
      if (!q) { return null; }
      if (q !== matches.query) {
        var lower = q.toLowerCase();
        var exact = byId[q] ? [q] : [];
        var list = data.nodes.filter(function (n) {
          return n.id !== q && n.id.toLowerCase().indexOf(lower) >= 0;
        }).map(function (n) { return n.id; });
        matches = {query: q, list: exact.concat(list), at: -1};
      }
      if (!matches.list.length) {
        say(["No artifact on this graph matches \u201c" + q + "\u201d."]);
        return null;
      }
      matches.at = (matches.at + 1) % matches.list.length;
      var nid = matches.list[matches.at];
      var group = byId[nid].group;
      if (group && !expanded[group]) { expanded[group] = true; redraw(); }
      select(nid);
      network.focus(nid, {scale: Math.max(1, network.getScale()), animation: false});
      fitLabels();
      if (matches.list.length > 1) {
        status.appendChild(document.createTextNode(" Match " + (matches.at + 1) + " of " + matches.list.length +
                                                   "; Find again for the next."));
      }
      return nid;
    }

    var api = {expanded: [], path: [], toggle: toggle, find: find,
               selected: function () { return selected; }};
    window.ownergraphOverviews = window.ownergraphOverviews || {};
    window.ownergraphOverviews[id] = api;

    var form = document.getElementById(id + "-find");
    var input = document.getElementById(id + "-search");
    var datalist = document.getElementById(id + "-uids");
    if (datalist) {
      data.nodes.forEach(function (n) {
        var option = document.createElement("option");
        option.value = n.id;
        datalist.appendChild(option);
      });
    }
    if (form && input) {
      form.addEventListener("submit", function (ev) { ev.preventDefault(); find(input.value); });
    }

    network.on("click", function (params) {
      if (!params.nodes.length) { select(null); return; }
      var nid = params.nodes[0];
      if (groups[nid]) { toggle(nid); } else if (byId[nid]) { select(nid); }
    });
    network.on("doubleClick", function (params) {
      var n = params.nodes.length && byId[params.nodes[0]];
      if (n && n.url && n.url.charAt(0) === "/") { window.location.assign(n.url); }
    });
    network.on("hoverNode", function (params) {
      container.style.cursor = groups[params.node] || byId[params.node] ? "pointer" : "default";
    });
    network.on("blurNode", function () { container.style.cursor = "default"; });
    var pending = null;
    network.on("zoom", function () {
      if (pending) { clearTimeout(pending); }
      pending = setTimeout(function () { pending = null; fitLabels(); }, 80);
    });

    redraw();
    network.once("afterDrawing", function () {
      view(null);
      container.setAttribute("data-ready", "1");
      window.ownergraphReadyAt = performance.now();   // read by the page-load benchmarks
    });
    return network;
  };
})();
