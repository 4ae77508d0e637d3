// gongkai corpus pages: draw each chart from its JSON spec (no inline script; the page's CSP allows none).
// A spec is {kind: "line"|"bar", x: [...], series: [{name, data}], marks: [x values to mark]}.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof echarts === "undefined") return;
  document.querySelectorAll("div.chart[data-spec]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-spec"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    var series = spec.series.map(function (s, i) {
      var out = { name: s.name, type: spec.kind, data: s.data, connectNulls: false };
      if (spec.kind === "line") out.symbolSize = 8;
      if (i === 0 && spec.marks && spec.marks.length) {
        out.markLine = { symbol: "none", label: { show: false }, lineStyle: { color: "#c0261d", type: "dashed" },
                         data: spec.marks.map(function (x) { return { xAxis: x }; }) };
      }
      return out;
    });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 40 },
      xAxis: { type: "category", data: spec.x, axisLabel: { interval: 0, rotate: spec.x.length > 8 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: series
    });
    el.setAttribute("data-rendered", "yes");
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
