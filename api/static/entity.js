// An entity page: draw its neighbourhood with Cytoscape from the JSON embedded in the page.
// The neighbours sit on an ellipse around the entity, spread until no two labels overlap; a busy
// entity shows its CAP best-connected neighbours first, with a "show more" button for the rest.
// A legend names the node colours (entity types) and the edge colours (partnership status).
(function () {
  "use strict";
  var CAP = 12;
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var typeColours = {
    State: "#1f4e79", MilitaryJunta: "#6a1b9a", ArmedForces: "#37474f", ArmedGroup: "#bf360c",
    InternationalOrganization: "#00838f", Organization: "#00695c", Person: "#8d6e63",
    Region: "#558b2f", Settlement: "#9e9d24", MilitaryBase: "#455a64"
  };
  var OTHER = "#9e9e9e";
  function words(t) { return t.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase(); }
  function colourOf(type) { return typeColours[type] || OTHER; }

  var container = document.getElementById("cy");
  var cy = cytoscape({
    container: container,
    elements: { nodes: data.nodes, edges: data.edges },
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": 12, "text-valign": "bottom", "text-margin-y": 4,
          "text-wrap": "wrap", "text-max-width": 110,
          "width": 22, "height": 22, "color": "#1d2430",
          "background-color": function (n) { return colourOf(n.data("type")); },
          "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 1 } },
      { selector: "node[?centre]", style: {
          "width": 40, "height": 40, "font-size": 14, "font-weight": "bold",
          "border-width": 3, "border-color": "#ffca28" } },
      { selector: "edge", style: {
          "curve-style": "bezier", "width": 1.5, "line-color": "#b0b7c3",
          "target-arrow-shape": "triangle", "target-arrow-color": "#b0b7c3", "arrow-scale": 0.8,
          "label": "data(label)", "font-size": 11, "color": "#333", "text-rotation": "autorotate",
          "text-background-color": "#ffffff", "text-background-opacity": 0.9, "text-background-padding": 1 } },
      { selector: "edge[kind = 'partnership']", style: {
          "width": 3, "line-color": "data(colour)", "target-arrow-shape": "none",
          "color": "data(colour)" } },
      { selector: ".hidden", style: { "display": "none" } }
    ],
    layout: { name: "preset" }
  });

  var centre = cy.nodes("[?centre]");
  // neighbours, the best connected first (then by label), so that a cap keeps the most telling
  function partnered(n) { return n.connectedEdges("[kind = 'partnership']").length > 0 ? 1 : 0; }
  var neighbours = cy.nodes("[!centre]").sort(function (a, b) {
    return (b.degree() - a.degree()) || (partnered(b) - partnered(a)) ||
      String(a.data("label")).localeCompare(String(b.data("label")));
  });
  var shown = Math.min(CAP, neighbours.length);

  function overlaps(nodes) {
    var boxes = nodes.map(function (n) { return n.boundingBox({ includeLabels: true, includeOverlays: false }); });
    for (var i = 0; i < boxes.length; i++) {
      for (var j = i + 1; j < boxes.length; j++) {
        var a = boxes[i], b = boxes[j];
        if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) { return true; }
      }
    }
    return false;
  }

  function layout() {
    neighbours.forEach(function (n, i) { n.toggleClass("hidden", i >= shown); });
    var visible = neighbours.slice(0, shown);
    var w = Math.max(container.clientWidth, 300), h = Math.max(container.clientHeight, 200);
    var rx = w / 2 - 70, ry = h / 2 - 45;
    centre.position({ x: 0, y: 0 });
    for (var tries = 0; tries < 12; tries++) {
      visible.forEach(function (n, i) {
        var a = -Math.PI / 2 + 2 * Math.PI * i / Math.max(visible.length, 1);
        n.position({ x: rx * Math.cos(a), y: ry * Math.sin(a) });
      });
      if (!overlaps(visible.union(centre))) { break; }
      rx *= 1.15; ry *= 1.15;
    }
    cy.fit(cy.elements(":visible"), 20);
    // a small neighbourhood should not be blown up to fill the frame
    if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }
    container.setAttribute("data-shown", String(visible.length));
    container.setAttribute("data-overlaps", overlaps(visible.union(centre)) ? "yes" : "no");
    if (more) {
      var left = neighbours.length - shown;
      more.hidden = left <= 0;
      more.textContent = "show " + Math.min(CAP, left) + " more neighbours (" + left + " not drawn)";
    }
  }

  // the legend: the types drawn, and the partnership colours
  var figure = container.parentNode;
  var legend = document.createElement("div");
  legend.className = "legend";
  legend.id = "cy-legend";
  var types = {};
  cy.nodes().forEach(function (n) { types[n.data("type") || ""] = true; });
  Object.keys(types).sort().forEach(function (t) {
    var item = document.createElement("span");
    item.className = "legend-type";
    item.setAttribute("data-type", t);
    var sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = colourOf(t);
    item.appendChild(sw);
    item.appendChild(document.createTextNode(t ? words(t) : "other"));
    legend.appendChild(item);
  });
  [["relation", "#b0b7c3"], ["partnership: Active", "#2e7d32"], ["partnership: Ended", "#c62828"]]
    .forEach(function (pair) {
      var item = document.createElement("span");
      item.className = "legend-edge";
      var line = document.createElement("span");
      line.className = "line";
      line.style.background = pair[1];
      item.appendChild(line);
      item.appendChild(document.createTextNode(pair[0]));
      legend.appendChild(item);
    });
  figure.insertBefore(legend, container);

  var more = null;
  if (neighbours.length > CAP) {
    more = document.createElement("button");
    more.type = "button";
    more.id = "cy-more";
    more.addEventListener("click", function () { shown = Math.min(neighbours.length, shown + CAP); layout(); });
    figure.insertBefore(more, container.nextSibling);
  }
  layout();

  cy.on("tap", "node", function (evt) {
    var href = evt.target.data("href");
    if (href && !evt.target.data("centre")) { window.location.href = href; }
  });
  window.ckgCy = cy;
})();
