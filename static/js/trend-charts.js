// Draws each measure's actual-against-target line chart from the page's JSON.
(function () {
  const source = document.getElementById("trend-data");
  if (!source || !window.Chart) return;
  const charts = JSON.parse(source.textContent);
  for (const [id, data] of Object.entries(charts)) {
    const canvas = document.getElementById(id);
    if (!canvas) continue;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Actual", data: data.actual, borderColor: "#1f3a5f", backgroundColor: "#1f3a5f", spanGaps: true },
          { label: "Target", data: data.target, borderColor: "#b3261e", borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: { animation: false, plugins: { legend: { position: "bottom" } }, scales: { y: { beginAtZero: false } } },
    });
  }
})();
