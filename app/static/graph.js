/* Draws each graph on the page from its JSON data block with the local vis-network.
 *
 * Why not pyvis's page template: it puts node titles into innerHTML. Here every tooltip
 * is built from text nodes, so a name like <img src=x onerror=...> stays text. Layout
 * is hierarchical left to right for lineage (no physics); other graphs stabilise once
 * and then physics is switched off so the page stays still and responsive.
 */
window.ownergraphScriptAt = performance.now();   // read by the graph overview benchmark
(function () {
  "use strict";

  window.ownergraphNetworks = window.ownergraphNetworks || {};

  function tooltip(lines) {
    var box = document.createElement("div");
    box.className = "tip";
    (lines || []).forEach(function (line, i) {
      var el = document.createElement(i === 0 ? "strong" : "div");
      el.textContent = String(line);
      box.appendChild(el);
    });
    return box;
  }

  function options(data, count) {
    var opts = {
      autoResize: true,
      nodes: {
        shape: "box", margin: 6, borderWidthSelected: 3,
        font: {face: "Inter, system-ui, -apple-system, Segoe UI, sans-serif", size: 13},
        widthConstraint: {maximum: 260}
      },
      edges: {
        arrows: {to: {enabled: !!data.arrows, scaleFactor: 0.5}},
        color: {color: "#a3adb8", highlight: "#1f2933", hover: "#52606d"},
        font: {size: 10, color: "#7b8794", strokeWidth: 3, strokeColor: "#ffffff", align: "middle"},
        width: 1.2,
        smooth: data.hierarchical ? {enabled: true, type: "cubicBezier", forceDirection: "horizontal", roundness: 0.45}
                                  : {enabled: true, type: "continuous"}
      },
      interaction: {hover: true, tooltipDelay: 120, keyboard: false, multiselect: false},
      physics: false
    };
    if (data.hierarchical) {
      opts.layout = {hierarchical: {enabled: true, direction: "LR", levelSeparation: 235,
                                    nodeSpacing: 34, treeSpacing: 50, blockShifting: count < 150,
                                    edgeMinimization: count < 150, parentCentralization: count < 150}};
    } else if (data.positioned) {
      opts.layout = {improvedLayout: false};   // positions come with the data
    } else {
      opts.layout = {improvedLayout: count < 120};
      opts.physics = {enabled: true, solver: "forceAtlas2Based",
                      forceAtlas2Based: {gravitationalConstant: -90, springLength: 140, avoidOverlap: 0.7},
                      stabilization: {enabled: true, iterations: 250, fit: true}};
    }
    return opts;
  }

  /* The length of an edge outside its two nodes' boxes (canvas units): the room a label has. */
  function visibleLength(network, from, to) {
    var a = network.getBoundingBox(from), b = network.getBoundingBox(to);
    if (!a || !b) { return 0; }
    var dx = Math.max(0, Math.max(a.left, b.left) - Math.min(a.right, b.right));
    var dy = Math.max(0, Math.max(a.top, b.top) - Math.min(a.bottom, b.bottom));
    return Math.sqrt(dx * dx + dy * dy);
  }

  /* Relation labels only where they fit: an edge keeps its label when it is long enough
     on screen for the text and its ends are not crowded by neighbours (a line of text
     between them); otherwise the relation is in the edge's tooltip. */
  function fitLabels(network, edges, labels) {
    var positions = network.getPositions();
    var ids = Object.keys(positions);
    var room = {};
    ids.forEach(function (a) {
      var best = Infinity;
      ids.forEach(function (b) {
        if (a !== b && Math.abs(positions[a].x - positions[b].x) < 60) {
          best = Math.min(best, Math.abs(positions[a].y - positions[b].y));
        }
      });
      room[a] = best;
    });
    var scale = network.getScale();
    var changed = [];
    edges.forEach(function (e) {
      var text = labels[e.id];
      if (!text || !positions[e.from] || !positions[e.to]) { return; }
      var length = visibleLength(network, e.from, e.to) * scale;
      var fits = length >= text.length * 5.8 + 40 && Math.min(room[e.from], room[e.to]) * scale >= 30;
      if (fits !== (e.label === text)) { changed.push({id: e.id, label: fits ? text : ""}); }
    });
    if (changed.length) { edges.update(changed); }
  }

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-graph"));
    if (!source || typeof vis === "undefined") {
      container.textContent = "The graph library did not load; the table below lists everything.";
      return;
    }
    var data = JSON.parse(source.textContent);
    if (data.overview && window.ownergraphOverview) {
      window.ownergraphNetworks[container.id] = window.ownergraphOverview(container, data,
                                                                          {tooltip: tooltip, visibleLength: visibleLength});
      return;
    }
    var urls = {};
    var nodes = data.nodes.map(function (n) {
      var copy = {};
      Object.keys(n).forEach(function (k) {
        if (k !== "tooltip" && k !== "url") { copy[k] = n[k]; }
      });
      copy.title = tooltip(n.tooltip);
      if (n.url && n.url.charAt(0) === "/") { urls[n.id] = n.url; }
      return copy;
    });
    var edges = new vis.DataSet(data.edges.map(function (e) {
      return e.label ? Object.assign({title: tooltip([e.label])}, e) : e;
    }));
    var labels = {};
    edges.forEach(function (e) { labels[e.id] = e.label; });
    var network = new vis.Network(container, {
      nodes: new vis.DataSet(nodes), edges: edges
    }, options(data, nodes.length));
    var refit = null;
    network.on("zoom", function () {
      if (refit) { clearTimeout(refit); }
      refit = setTimeout(function () { refit = null; fitLabels(network, edges, labels); }, 80);
    });
    var done = function () {
      network.setOptions({physics: false});
      network.fit({maxZoomLevel: 1.35});
      fitLabels(network, edges, labels);
      container.setAttribute("data-ready", "1");
      window.ownergraphReadyAt = performance.now();   // read by the page-load benchmark
    };
    if (data.hierarchical || data.positioned) {
      network.once("afterDrawing", done);
    } else {
      network.once("stabilizationIterationsDone", done);
    }
    network.on("click", function (params) {
      if (params.nodes.length && urls[params.nodes[0]]) {
        window.location.assign(urls[params.nodes[0]]);
      }
    });
    network.on("hoverNode", function (params) {
      container.style.cursor = urls[params.node] ? "pointer" : "default";
    });
    network.on("blurNode", function () { container.style.cursor = "default"; });
    window.ownergraphNetworks[container.id] = network;
  }

  document.querySelectorAll("[data-graph]").forEach(draw);
})();
