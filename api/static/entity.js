// An entity page: draw its neighbourhood with Cytoscape from the JSON embedded in the page.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var typeColours = {
    State: "#1f4e79", MilitaryJunta: "#6a1b9a", ArmedForces: "#37474f", ArmedGroup: "#bf360c",
    InternationalOrganization: "#00838f", Organization: "#00695c", Person: "#8d6e63",
    Region: "#558b2f", Settlement: "#9e9d24", MilitaryBase: "#455a64"
  };
  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: { nodes: data.nodes, edges: data.edges },
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
          "width": 22, "height": 22, "color": "#1d2430",
          "background-color": function (n) { return typeColours[n.data("type")] || "#9e9e9e"; },
          "text-background-color": "#ffffff", "text-background-opacity": 0.8, "text-background-padding": 1 } },
      { selector: "node[?centre]", style: {
          "width": 40, "height": 40, "font-size": 14, "font-weight": "bold",
          "border-width": 3, "border-color": "#ffca28" } },
      { selector: "edge", style: {
          "curve-style": "bezier", "width": 1.5, "line-color": "#b0b7c3",
          "target-arrow-shape": "triangle", "target-arrow-color": "#b0b7c3", "arrow-scale": 0.8,
          "label": "data(label)", "font-size": 9, "color": "#555", "text-rotation": "autorotate",
          "text-background-color": "#ffffff", "text-background-opacity": 0.8 } },
      { selector: "edge[kind = 'partnership']", style: {
          "width": 3, "line-color": "data(colour)", "target-arrow-shape": "none",
          "color": "data(colour)" } }
    ],
    layout: { name: "concentric", concentric: function (n) { return n.data("centre") ? 2 : 1; },
              levelWidth: function () { return 1; }, minNodeSpacing: 50, animate: false }
  });
  // a small neighbourhood should not be blown up to fill the frame
  if (cy.zoom() > 1.3) { cy.zoom(1.3); cy.center(); }
  cy.on("tap", "node", function (evt) {
    var href = evt.target.data("href");
    if (href && !evt.target.data("centre")) { window.location.href = href; }
  });
  window.ckgCy = cy;
})();
