/* Reports page charts: every element with data-chart="<key>" is drawn with the vendored Apache ECharts
   (window.echarts) from the JSON in <script type="application/json" id="report-chart-data">. The numbers
   are in the table beside each chart, so without ECharts nothing is lost. No inline scripts (CSP). */
(function () {
  "use strict";
  var source = document.getElementById("report-chart-data");
  if (!source || !window.echarts) {
    return;
  }
  var specs;
  try { specs = JSON.parse(source.textContent || "{}"); } catch (e) { return; }
  var palette = ["#9b1c1c", "#1d4ed8", "#027a48", "#b54708", "#6941c6", "#0e7490", "#616e7c", "#c11574"];
  // richText tooltips are drawn on the canvas: no HTML with inline styles for the CSP to block.
  var tooltipBase = { renderMode: "richText", confine: true };

  function axisChart(spec, stacked) {
    return {
      color: palette,
      tooltip: Object.assign({ trigger: "axis" }, tooltipBase),
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.labels, axisLabel: { interval: 0, rotate: spec.labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1, max: spec.percent ? 100 : undefined,
               axisLabel: { formatter: spec.percent ? "{value}%" : "{value}" } },
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind === "line" ? "line" : "bar", data: s.data,
                 stack: stacked ? "total" : undefined, barMaxWidth: 36,
                 label: { show: !stacked && spec.labels.length <= 12, position: "top",
                          formatter: spec.percent ? "{c}%" : "{c}" } };
      })
    };
  }

  function pieChart(spec) {
    return {
      color: palette,
      tooltip: Object.assign({ trigger: "item", formatter: "{b}: {c} ({d}%)" }, tooltipBase),
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: spec.items,
                 label: { formatter: "{b}: {c}" } }]
    };
  }

  function option(spec) {
    if (spec.kind === "pie") { return pieChart(spec); }
    return axisChart(spec, spec.kind === "stacked");
  }

  function empty(spec) {
    if (spec.kind === "pie") { return !spec.items.some(function (i) { return i.value > 0; }); }
    return spec.labels.length === 0;
  }

  var charts = [];
  Array.prototype.forEach.call(document.querySelectorAll(".report-chart[data-chart]"), function (el) {
    var spec = specs[el.getAttribute("data-chart")];
    if (!spec || empty(spec)) {
      el.classList.add("no-chart");
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec));
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
