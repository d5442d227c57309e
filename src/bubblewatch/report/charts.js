/* The report's charts: plotly.js unpacked from the page, then every figure drawn from its JSON
   block and fitted to the width it has. Titles and x-axis titles wrap to that width, the legend
   sits in rows under the plot at narrow widths, and charts are redrawn when the window resizes
   and at the printed page's width when the page is printed. No request is made: the bundle's
   bytes come from the page itself (base64 text, gunzipped by DecompressionStream) and run as an
   inline script. The charts near the screen are drawn first (<html> gets data-charts="visible"),
   the others one at a time after them (data-charts="drawn"); printing draws any left at once. */
(function () {
  "use strict";
  var NARROW = 640; // below this width (px) a chart gets the compact layout
  var PRINT_WIDTH = 640; // fits A4 and US Letter with 2 cm margins at 96 px per inch
  var CHAR = 0.56; // average glyph width, in font sizes, of the sans-serif titles
  var charts = [];
  var printing = false;

  function unpack() {
    var packed = document.getElementById("plotly-js-gz");
    var text = atob(packed.textContent.trim());
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(function (source) {
      var script = document.createElement("script");
      script.textContent = source;
      document.head.appendChild(script);
      packed.remove();
      if (!window.Plotly) throw new Error("plotly.js did not load");
      performance.mark("plotly-loaded");
    });
  }

  function plain(text) {
    return text.replace(/<[^>]*>/g, "");
  }

  /* ``text`` broken into lines of at most ``width`` px at font ``size``, at spaces. */
  function wrap(text, size, width) {
    var perLine = Math.max(10, Math.floor(width / (size * CHAR)));
    var lines = [];
    String(text)
      .split(/<br\s*\/?>/i)
      .forEach(function (part) {
        var line = "";
        part.split(" ").forEach(function (word) {
          var next = line ? line + " " + word : word;
          if (line && plain(next).length > perLine) {
            lines.push(line);
            line = word;
          } else {
            line = next;
          }
        });
        lines.push(line);
      });
    return { text: lines.join("<br>"), lines: lines.length };
  }

  function legendItems(chart) {
    var names = chart.data
      .filter(function (t) {
        return t.showlegend !== false && t.name;
      })
      .map(function (t) {
        return String(t.name);
      });
    (chart.layout.shapes || []).forEach(function (s) {
      if (s.showlegend && s.name) names.push(String(s.name));
    });
    return names;
  }

  /* Rows a horizontal legend of ``names`` takes at ``width`` px (Plotly wraps its items). */
  function legendRows(names, size, width) {
    var rows = names.length ? 1 : 0;
    var used = 0;
    names.forEach(function (name) {
      var item = 46 + plain(name).length * size * CHAR;
      if (used && used + item > width) {
        rows += 1;
        used = 0;
      }
      used += item;
    });
    return rows;
  }

  /* Width (px) an annotation has: around its anchor when placed on the paper, else the plot's. */
  function room(note, left, inner, width) {
    if (note.xref !== "paper" || typeof note.x !== "number") return inner;
    var at = left + note.x * inner;
    var anchor = note.xanchor || "auto";
    if (anchor === "auto") anchor = note.x <= 1 / 3 ? "left" : note.x >= 2 / 3 ? "right" : "center";
    var space = anchor === "left" ? width - at : anchor === "right" ? at : 2 * Math.min(at, width - at);
    return Math.max(60, space - 8);
  }

  /* The figure's own layout, fitted to ``width`` px. */
  function layoutFor(chart, width) {
    var layout = structuredClone(chart.layout);
    var font = (layout.font && layout.font.size) || 12;
    var margin = (layout.margin = Object.assign({ l: 80, r: 80, t: 100, b: 80 }, layout.margin));
    var narrow = width < NARROW;
    var height = layout.height || 450;
    layout.width = width;
    layout.autosize = false;
    if (narrow) {
      margin.l = Math.min(margin.l, 48);
      margin.r = Math.min(margin.r, 12);
    }
    var title = layout.title;
    if (title && title.text) {
      var size = (title.font && title.font.size) || Math.round(font * 1.4);
      var wrapped = wrap(title.text, size, width - 12);
      title.text = wrapped.text;
      var extra = (wrapped.lines - 1) * Math.round(size * 1.3);
      margin.t += extra;
      height += extra;
    }
    var inner = width - margin.l - margin.r;
    Object.keys(layout).forEach(function (key) {
      var axis = layout[key];
      if (!/^xaxis\d*$/.test(key) || !axis || !axis.title || !axis.title.text) return;
      var size = (axis.title.font && axis.title.font.size) || font;
      var share = axis.domain ? axis.domain[1] - axis.domain[0] : 1;
      var wrapped = wrap(axis.title.text, size, inner * share);
      axis.title.text = wrapped.text;
      height += (wrapped.lines - 1) * Math.round(size * 1.3);
    });
    (layout.annotations || []).forEach(function (note) {
      if (!note.text) return;
      var size = (note.font && note.font.size) || font;
      if (narrow) {
        size = Math.max(9, Math.round(size * 0.9));
        note.font = Object.assign({}, note.font, { size: size });
      }
      note.text = wrap(note.text, size, room(note, margin.l, inner, width)).text;
    });
    if (narrow) {
      // The legend in rows along the figure's bottom edge; Plotly reserves that margin for it.
      var legend = (layout.legend = Object.assign({}, layout.legend, {
        orientation: "h",
        xref: "container",
        x: 0,
        xanchor: "left",
        yref: "container",
        y: 0,
        yanchor: "bottom",
      }));
      var size = (legend.font && legend.font.size) || font;
      height += legendRows(legendItems(chart), size, width) * Math.round(size * 1.6);
    }
    layout.height = Math.round(height);
    return layout;
  }

  function widthOf(chart) {
    var width = chart.div.parentElement.clientWidth || chart.div.clientWidth;
    return Math.max(240, Math.floor(printing ? Math.min(width, PRINT_WIDTH) : width));
  }

  function draw(chart, width) {
    chart.width = width;
    chart.drawn = true;
    return Plotly.react(chart.div, chart.data, layoutFor(chart, width), chart.config);
  }

  /* Redraw the drawn charts whose width changed. Widths are read before any chart is drawn,
     so the page is laid out once, not once per chart. */
  function redraw() {
    var widths = charts.map(widthOf);
    return Promise.all(
      charts.map(function (chart, i) {
        return chart.drawn && widths[i] !== chart.width ? draw(chart, widths[i]) : null;
      })
    );
  }

  /* Draw every chart not drawn yet, at once (before printing). */
  function drawRest() {
    var widths = charts.map(widthOf);
    return Promise.all(
      charts.map(function (chart, i) {
        return chart.drawn ? null : draw(chart, widths[i]);
      })
    );
  }

  function nearScreen(chart) {
    var box = chart.div.getBoundingClientRect();
    return box.bottom > -window.innerHeight && box.top < 2 * window.innerHeight;
  }

  /* The charts on and near the screen first, in one frame; then the others one task at a time,
     so the page scrolls and answers while they are drawn. <html> gets data-charts="visible",
     then "drawn". */
  function drawAll() {
    document.querySelectorAll("script.figure-data").forEach(function (block) {
      var spec = JSON.parse(block.textContent);
      var div = document.getElementById(block.dataset.chart);
      charts.push({
        div: div,
        data: spec.data,
        layout: spec.layout || {},
        config: { displaylogo: false, responsive: false, typesetMath: false },
        drawn: false,
      });
    });
    var first = charts.filter(nearScreen);
    var widths = first.map(widthOf);
    return Promise.all(
      first.map(function (chart, i) {
        return draw(chart, widths[i]);
      })
    )
      .then(function () {
        performance.mark("charts-visible");
        document.documentElement.dataset.charts = "visible";
        return new Promise(function (done) {
          (function next() {
            var chart = charts.filter(function (c) {
              return !c.drawn;
            })[0];
            if (!chart) return done();
            draw(chart, widthOf(chart)).then(function () {
              setTimeout(next, 0);
            });
          })();
        });
      })
      .then(function () {
        performance.mark("charts-drawn");
        document.documentElement.dataset.charts = "drawn";
      });
  }

  var pending = 0;
  window.addEventListener("resize", function () {
    if (printing) return;
    clearTimeout(pending);
    pending = setTimeout(redraw, 120);
  });

  function toPrint(on) {
    if (on === printing) return;
    printing = on;
    redraw();
    if (on) drawRest();
  }
  window.addEventListener("beforeprint", function () {
    toPrint(true);
  });
  window.addEventListener("afterprint", function () {
    toPrint(false);
  });
  var print = window.matchMedia("print");
  print.addEventListener("change", function (event) {
    toPrint(event.matches);
  });

  performance.mark("plotly-unpack");
  unpack()
    .then(drawAll)
    .catch(function (error) {
      document.querySelectorAll(".chart").forEach(function (div) {
        div.textContent = "This chart could not be drawn: " + error;
      });
      throw error;
    });
})();
