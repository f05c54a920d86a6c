/* Draws each graph on the page from its JSON data block with the local vis-network.
 *
 * Why not pyvis's page template: it puts node titles into innerHTML. Here every tooltip
 * is built from text nodes, so a name like <img src=x onerror=...> stays text. Layout
 * is hierarchical left to right for lineage (no physics); other graphs stabilise once
 * and then physics is switched off so the page stays still and responsive.
 */
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

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-graph"));
    if (!source || typeof vis === "undefined") {
      container.textContent = "The graph library did not load; the table below lists everything.";
      return;
    }
    var data = JSON.parse(source.textContent);
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
    var network = new vis.Network(container, {
      nodes: new vis.DataSet(nodes), edges: new vis.DataSet(data.edges)
    }, options(data, nodes.length));
    var done = function () {
      network.setOptions({physics: false});
      network.fit({maxZoomLevel: 1.35});
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
