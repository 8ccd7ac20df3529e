// Draws each survey's rounds against its target from the JSON the page carries.
(function () {
  "use strict";
  var el = document.getElementById("survey-charts");
  if (!el || typeof Chart === "undefined") { return; }
  // Okabe–Ito: distinguishable with colour-blindness; same order as the pack's PNG chart.
  var colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];
  JSON.parse(el.textContent).forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas || !chart.data.labels.length) { return; }
    var d = chart.data;
    var datasets = Object.keys(d.series).map(function (name, i) {
      var headline = name === d.headline;
      return {
        label: name, data: d.series[name], borderColor: colours[i % colours.length],
        backgroundColor: colours[i % colours.length], borderWidth: headline ? 3 : 1.5,
        pointRadius: headline ? 4 : 3, spanGaps: true, tension: 0,
        clip: false, pointStyle: "circle"
      };
    });
    datasets.push({
      label: "Target", data: d.target, borderColor: "#555", borderDash: [6, 4],
      borderWidth: 1.5, pointRadius: 0, backgroundColor: "#555", pointStyle: "line"
    });
    var values = [].concat.apply(d.target, Object.values(d.series)).filter(function (v) { return v !== null; });
    new Chart(canvas, {
      type: "line",
      data: { labels: d.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { min: Math.max(0, Math.min(Math.floor(Math.min.apply(null, values)) - 5, 70)), max: 100,
                       title: { display: true, text: "Score (%)" } } },
        plugins: { legend: { position: "bottom", labels: { usePointStyle: true } },
                   tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + c.parsed.y + " %"; } } } }
      }
    });
  });
})();
