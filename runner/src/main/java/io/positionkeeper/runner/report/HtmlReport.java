package io.positionkeeper.runner.report;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One self-contained HTML file: the chart library and the data are inlined, so the file opens
 * offline and can be mailed. Every text from the database is escaped; the data block is JSON with
 * {@code <} written as {@code \u003c}, so no value can end the script element.
 */
public final class HtmlReport {
  static final String CHART_LIBRARY =
      "/report/lightweight-charts/package/dist/lightweight-charts.standalone.production.js";
  private static final Gson GSON = new Gson();

  private HtmlReport() {}

  /** Writes the report of {@code positions} to {@code file} (replacing it) and returns the file. */
  public static Path write(
      Path file, String title, List<PositionHistory> positions, MarkHistory marks, Instant now)
      throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, render(title, positions, marks, now), StandardCharsets.UTF_8);
    return file;
  }

  public static String render(
      String title, List<PositionHistory> positions, MarkHistory marks, Instant now) {
    Objects.requireNonNull(title, "title");
    JsonArray charts = new JsonArray();
    positions.forEach(p -> charts.add(PositionChart.of(p, marks, now)));
    JsonObject data = new JsonObject();
    data.add("positions", charts);
    StringBuilder b = new StringBuilder(256 * 1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(esc(title))
        .append("</title>\n<style>")
        .append(CSS)
        .append("</style>\n</head><body>\n<h1>")
        .append(esc(title))
        .append("</h1>\n<p class=\"muted\">generated ")
        .append(now)
        .append(marks.isEmpty() ? "; no mark history given: charts show the events' prices" : "")
        .append("</p>\n");
    summary(b, ReportSummary.of(positions));
    positions.forEach(p -> position(b, p));
    b.append("<script>")
        .append(library())
        .append("</script>\n<script id=\"report-data\" type=\"application/json\">")
        .append(GSON.toJson(data))
        .append("</script>\n<script>")
        .append(SCRIPT)
        .append("</script>\n</body></html>\n");
    return b.toString();
  }

  private static void summary(StringBuilder b, ReportSummary s) {
    b.append("<section id=\"summary\"><h2>Session summary</h2><table class=\"facts\">");
    row(b, "positions", s.positions() + " (" + s.open() + " open)");
    row(
        b,
        "closed by",
        s.closedBy().isEmpty()
            ? "-"
            : s.closedBy().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")));
    row(b, "rolled back", Integer.toString(s.rolledBack()));
    row(b, "realized PnL", PositionChart.plain(s.realizedPnl()));
    row(b, "stop moves", Long.toString(s.stopMoves()));
    row(
        b,
        "events",
        s.events() + " (" + s.warnings() + " warnings, " + s.errors() + " errors or worse)");
    row(
        b,
        "span",
        s.from().map(Instant::toString).orElse("-")
            + " to "
            + s.to().map(Instant::toString).orElse("-"));
    b.append("</table></section>\n");
  }

  private static void position(StringBuilder b, PositionHistory p) {
    b.append("<section class=\"position\" id=\"position-")
        .append(p.id())
        .append("\"><h2>#")
        .append(p.id())
        .append(' ')
        .append(esc(p.symbol()))
        .append(' ')
        .append(esc(p.side()))
        .append(" <span class=\"status\">")
        .append(esc(p.status()))
        .append(esc(p.closeReason().map(r -> " " + r).orElse("")))
        .append("</span></h2><table class=\"facts\">");
    row(b, "exchange", p.exchange());
    row(b, "quantity", PositionChart.plain(p.quantity()));
    row(b, "entry", PositionChart.plain(p.entryPrice()) + " at " + p.openedAt());
    row(
        b,
        "trailing activation",
        PositionChart.activationPrice(p).map(PositionChart::plain).orElse("-"));
    row(
        b,
        "exit",
        p.exitPrice().map(PositionChart::plain).orElse("-")
            + p.closedAt().map(t -> " at " + t).orElse(""));
    row(b, "realized PnL", p.realizedPnl().map(PositionChart::plain).orElse("-"));
    b.append("</table>\n<div class=\"chart\" id=\"chart-").append(p.id()).append("\"></div>\n");
    b.append("<table class=\"events\"><tr><th>time</th><th>event</th><th>severity</th>")
        .append("<th>details</th></tr>\n");
    for (ReportEvent e : p.events()) {
      b.append("<tr class=\"sev-")
          .append(esc(e.severity().toLowerCase(java.util.Locale.ROOT)))
          .append("\"><td>")
          .append(e.at())
          .append("</td><td>")
          .append(esc(e.type()))
          .append("</td><td>")
          .append(esc(e.severity()))
          .append("</td><td>")
          .append(esc(details(e.payload())))
          .append("</td></tr>\n");
    }
    b.append("</table></section>\n");
  }

  private static String details(Map<String, String> payload) {
    return payload.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value));
    b.append("</td></tr>");
  }

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String library() {
    try (InputStream in = HtmlReport.class.getResourceAsStream(CHART_LIBRARY)) {
      if (in == null) {
        throw new IllegalStateException(
            "the chart library "
                + CHART_LIBRARY
                + " is not in the jar; the build unpacks it (download-maven-plugin)");
      }
      String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      // The library is inlined into a script element: a "</script" inside it would end it early.
      return js.replace("</script", "<\\/script");
    } catch (IOException e) {
      throw new UncheckedIOException("reading the chart library failed", e);
    }
  }

  private static final String CSS =
      """
      body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222}
      h1{font-size:22px}h2{font-size:18px;margin-top:32px}
      .muted{color:#777}.status{color:#555;font-weight:normal}
      table{border-collapse:collapse;margin:8px 0}
      th,td{border-bottom:1px solid #e5e5e5;padding:3px 10px;text-align:left;vertical-align:top}
      table.facts th{color:#555;font-weight:normal}
      table.events{font-size:12px;font-family:ui-monospace,monospace}
      tr.sev-warning td{background:#fff8e1}tr.sev-error td,tr.sev-critical td{background:#ffebee}
      .chart{width:100%;max-width:1100px;height:320px;margin:8px 0}
      """;

  private static final String SCRIPT =
      """
      (function () {
        var LC = LightweightCharts;
        var data = JSON.parse(document.getElementById('report-data').textContent);
        var drawn = 0;
        data.positions.forEach(function (p) {
          var el = document.getElementById('chart-' + p.id);
          var fmt = {type: 'price', precision: p.precision, minMove: Math.pow(10, -p.precision)};
          var chart = LC.createChart(el, {
            width: el.clientWidth, height: 320,
            layout: {background: {color: '#ffffff'}, textColor: '#333'},
            timeScale: {timeVisible: true, secondsVisible: false}
          });
          var mark = chart.addSeries(LC.LineSeries,
              {color: '#2962ff', lineWidth: 2, title: p.markTitle, priceFormat: fmt});
          mark.setData(p.marks);
          mark.createPriceLine({price: p.entry, color: '#555555', lineWidth: 1,
              lineStyle: LC.LineStyle.Dashed, axisLabelVisible: true, title: 'entry'});
          if (p.activation !== null) {
            mark.createPriceLine({price: p.activation, color: '#ef6c00', lineWidth: 1,
                lineStyle: LC.LineStyle.Dotted, axisLabelVisible: true, title: 'activation'});
          }
          if (p.stops.length > 0) {
            var stop = chart.addSeries(LC.LineSeries, {color: '#d32f2f', lineWidth: 2,
                lineType: LC.LineType.WithSteps, title: 'stop-loss', priceFormat: fmt});
            stop.setData(p.stops);
          }
          LC.createSeriesMarkers(mark, p.markers);
          chart.timeScale().fitContent();
          el.setAttribute('data-drawn', 'true');
          drawn++;
        });
        document.body.setAttribute('data-charts-drawn', String(drawn));
      })();
      """;
}
