// The charts page: casualties by month stacked by victim category, and events by type and month.
// Chart.js from node_modules, served by this server; each chart's figures also go in a table.
(function () {
  "use strict";
  var palette = { Soldiers: "#37474f", Civilians: "#c62828", Militants: "#ef6c00", Unspecified: "#9e9e9e",
                  Attack: "#c62828", Coup: "#6a1b9a", Withdrawal: "#1565c0", Deployment: "#2e7d32",
                  Agreement: "#ef6c00" };

  function table(id, months, series) {
    var t = document.getElementById(id);
    var names = Object.keys(series).filter(function (n) {
      return series[n].some(function (v) { return v > 0; });
    });
    var head = document.createElement("tr");
    ["month"].concat(names).forEach(function (n) {
      var th = document.createElement("th"); th.textContent = n; head.appendChild(th);
    });
    t.appendChild(head);
    months.forEach(function (m, i) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-month", m);
      var td = document.createElement("td"); td.textContent = m; tr.appendChild(td);
      names.forEach(function (n) {
        var cell = document.createElement("td");
        cell.textContent = String(series[n][i]);
        cell.setAttribute("data-series", n);
        tr.appendChild(cell);
      });
      t.appendChild(tr);
    });
    if (!months.length) {
      var empty = document.createElement("tr"), cell = document.createElement("td");
      cell.textContent = "nothing dated to the month in this selection"; empty.appendChild(cell); t.appendChild(empty);
    }
    return names;
  }

  function draw(canvasId, tableId, key) {
    var canvas = document.getElementById(canvasId);
    return fetch(canvas.dataset.src).then(function (r) {
      if (!r.ok) { return r.json().then(function (b) { throw new Error(b.detail || r.status); }); }
      return r.json();
    }).then(function (data) {
      var series = data[key];
      var names = table(tableId, data.months, series);
      new Chart(canvas, {
        type: "bar",
        data: { labels: data.months, datasets: names.map(function (n) {
          return { label: n, data: series[n], backgroundColor: palette[n] || "#777", maxBarThickness: 48 };
        }) },
        options: { animation: false, responsive: true,
                   scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
                   plugins: { legend: { position: "bottom" } } }
      });
      canvas.setAttribute("data-drawn", String(data.months.length));
    }).catch(function (e) {
      var p = document.createElement("p"); p.className = "hint error";
      p.textContent = "cannot draw the chart: " + e.message; canvas.replaceWith(p);
    });
  }
  draw("chart-casualties", "table-casualties", "categories");
  draw("chart-events", "table-events", "types");
})();
