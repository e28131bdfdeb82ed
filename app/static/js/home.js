// The home page: each chart drawn by Chart.js from the values the server wrote beside it
// (texts already in the reader's language), and each answer deadline counting down.
(function () {
  "use strict";
  var COLOURS = ["#337ab7", "#5cb85c", "#f0ad4e", "#9b59b6", "#d9534f", "#5bc0de"];

  function draw(holder) {
    var data = JSON.parse(holder.textContent);
    var canvas = document.getElementById(holder.getAttribute("data-canvas"));
    if (!canvas || typeof Chart === "undefined") {
      return;
    }
    var scale = data.percent ? 100 : 1;
    function scaled(value) {
      return value === null ? null : value * scale;
    }
    var datasets = data.series.map(function (series, index) {
      return {
        type: data.kind,
        label: series.label,
        data: series.values.map(scaled),
        texts: series.texts,
        backgroundColor: COLOURS[index % COLOURS.length],
        borderColor: COLOURS[index % COLOURS.length],
        spanGaps: true,
      };
    });
    if (data.goal !== null) {
      datasets.push({
        type: "line",
        label: data.goalLabel,
        data: data.labels.map(function () { return data.goal * scale; }),
        texts: data.labels.map(function () { return data.goalLabel; }),
        borderColor: "#a94442",
        borderDash: [6, 4],
        pointRadius: 0,
        fill: false,
      });
    }
    canvas.chart = new Chart(canvas, {
      type: data.kind,
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: {
            beginAtZero: true,
            ticks: {
              callback: function (value) { return data.percent ? value + " %" : value; },
            },
          },
        },
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + item.dataset.texts[item.dataIndex];
              },
            },
          },
        },
      },
    });
  }

  function pad(number) {
    return number < 10 ? "0" + number : String(number);
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".qms-countdown").forEach(function (element) {
      var due = Date.parse(element.getAttribute("data-due"));
      if (isNaN(due)) {
        return;
      }
      var total = Math.round(Math.abs(due - now) / 60000);
      var days = Math.floor(total / 1440);
      var minutes = total % 1440;
      var time = Math.floor(minutes / 60) + ":" + pad(minutes % 60);
      if (days) {
        time = element.getAttribute("data-days").replace("%(days)s", days).replace("%(time)s", time);
      }
      var late = due < now;
      var template = element.getAttribute(late ? "data-late" : "data-left");
      element.textContent = template.replace("%(time)s", time);
      element.classList.toggle("text-danger", late);
      element.classList.toggle("text-warning", !late && total <= 10);
    });
  }

  document.querySelectorAll("script.qms-chart-data").forEach(draw);
  tick();
  window.setInterval(tick, 30000);
})();
