// The map page: events as dots at their places' coordinates over country outlines.
// Outlines: world-atlas TopoJSON, drawn with d3-geo; all served by this server (no tiles, no CDN).
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var svg = document.getElementById("kg-map");
  var status = document.getElementById("map-status");
  var tbody = document.querySelector("#map-table tbody");
  var colours = { Attack: "#c62828", Coup: "#6a1b9a", Withdrawal: "#1565c0", Deployment: "#2e7d32",
                  Agreement: "#ef6c00" };
  var W = 1100, H = 620;
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function entityHref(iri) {
    var m = /^https:\/\/w3id\.org\/conflict-kg\/id\/([a-z0-9-]+\/[a-z0-9-]+)$/.exec(iri || "");
    return m ? "/entity/" + m[1] : null;
  }
  function fail(message) { status.textContent = message; status.className = "hint error"; }

  Promise.all([fetch(svg.dataset.outlines), fetch(svg.dataset.points)]).then(function (rs) {
    if (!rs[0].ok) { throw new Error("outlines: " + rs[0].status); }
    if (!rs[1].ok) { return rs[1].json().then(function (b) { throw new Error(b.detail || rs[1].status); }); }
    return Promise.all([rs[0].json(), rs[1].json()]);
  }).then(function (data) {
    var world = data[0], result = data[1], pts = result.points;
    var countries = topojson.feature(world, world.objects.countries);
    var projection = d3.geoNaturalEarth1();
    if (pts.length) {
      // fit the events, with a margin of a few degrees so a single town still shows its region
      var lons = pts.map(function (p) { return p.lon; }), lats = pts.map(function (p) { return p.lat; });
      var pad = 4;
      var box = { type: "MultiPoint", coordinates: [
        [Math.max(-180, Math.min.apply(null, lons) - pad), Math.max(-85, Math.min.apply(null, lats) - pad)],
        [Math.min(180, Math.max.apply(null, lons) + pad), Math.min(85, Math.max.apply(null, lats) + pad)]] };
      projection.fitExtent([[20, 20], [W - 20, H - 20]], box);
    } else {
      projection.fitSize([W, H], countries);
    }
    var path = d3.geoPath(projection);
    var land = el("g", { "class": "countries" }, svg);
    countries.features.forEach(function (f) {
      var p = el("path", { d: path(f) || "", "class": "country" }, land);
      var t = el("title", {}, p); t.textContent = (f.properties && f.properties.name) || "";
    });
    var dots = el("g", { "class": "events" }, svg);
    // area proportional to the people killed, the largest figure on the map 22 px across
    var most = Math.max.apply(null, [1].concat(pts.map(function (p) { return p.killed; })));
    pts.slice().sort(function (a, b) { return b.killed - a.killed; }).forEach(function (p) {
      var xy = projection([p.lon, p.lat]);
      if (!xy) { return; }
      var r = 4 + 18 * Math.sqrt(p.killed / most);
      var c = el("circle", { cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: r.toFixed(1),
                             fill: colours[p.type] || "#555", "class": "event event-" + p.type.toLowerCase(),
                             "data-event": p.event }, dots);
      var title = el("title", {}, c);
      title.textContent = p.type + " · " + (p.placeLabel || "") + (p.date ? " · " + p.date : "") +
        (p.killed ? " · " + p.killed + " killed" : "") + (p.precision ? " (" + p.precision + ")" : "") +
        (p.approximate ? " · drawn at the region or country around it" : "");
      var href = entityHref(p.place);
      if (href) { c.addEventListener("click", function () { window.location.href = href; }); }
    });
    pts.forEach(function (p) {
      if (!tbody) { return; }  // an entity page's map has no table
      var tr = document.createElement("tr");
      [p.date || "undated", p.type, null, String(p.killed)].forEach(function (v, i) {
        var td = document.createElement("td");
        if (i === 2) {
          var href = entityHref(p.place);
          var a = document.createElement(href ? "a" : "span");
          if (href) { a.href = href; }
          a.textContent = p.placeLabel || "";
          td.appendChild(a);
        } else { td.textContent = v; }
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    status.textContent = pts.length + " event(s) drawn" +
      (result.truncated ? " (the first " + result.limit + "; narrow the filters for the rest)" : "");
    svg.setAttribute("data-drawn", String(pts.length));
  }).catch(function (e) { fail("cannot draw the map: " + e.message); });
})();
