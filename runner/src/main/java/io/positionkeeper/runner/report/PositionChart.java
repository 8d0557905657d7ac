package io.positionkeeper.runner.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one position's chart draws, as the JSON the report's script reads: the mark price (or, with
 * no mark history, the prices the events carry), the stop-loss as a step line from each placement
 * and move, the entry and the trailing activation as price lines, and markers at the entry, the
 * activation and the exit. Times are whole UTC seconds, as the chart library takes them.
 */
final class PositionChart {
  private PositionChart() {}

  static JsonObject of(PositionHistory p, MarkHistory marks, Instant reportEnd) {
    Instant end = p.endOr(lastMarkOr(marks, p, reportEnd));
    Duration pad = pad(p.openedAt(), end);
    List<MarkHistory.Point> window =
        marks.between(p.symbol(), p.openedAt().minus(pad), end.plus(pad));
    boolean fromMarks = !window.isEmpty();
    TreeMap<Long, BigDecimal> line = new TreeMap<>();
    if (fromMarks) {
      window.forEach(m -> line.put(m.at().getEpochSecond(), m.price()));
    } else {
      knownPrices(p, line);
    }
    TreeMap<Long, BigDecimal> stops = stops(p, end);
    JsonObject o = new JsonObject();
    o.addProperty("id", p.id());
    o.addProperty("markTitle", fromMarks ? "mark" : "known prices");
    o.addProperty("precision", precision(p.entryPrice()));
    o.addProperty("entry", p.entryPrice());
    Optional<BigDecimal> activation = activationPrice(p);
    if (activation.isPresent()) {
      o.addProperty("activation", activation.get());
    } else {
      o.add("activation", JsonNull.INSTANCE);
    }
    o.add("marks", points(line));
    o.add("stops", points(stops));
    o.add("markers", markers(p, line));
    return o;
  }

  private static Instant lastMarkOr(MarkHistory marks, PositionHistory p, Instant fallback) {
    List<MarkHistory.Point> after = marks.between(p.symbol(), p.openedAt(), Instant.MAX);
    return after.isEmpty() ? fallback : after.get(after.size() - 1).at();
  }

  private static Duration pad(Instant from, Instant to) {
    Duration tenth = Duration.between(from, to).dividedBy(10);
    return tenth.compareTo(Duration.ofMinutes(5)) < 0 ? Duration.ofMinutes(5) : tenth;
  }

  /** Entry, the peak at activation, a triggered level's price and the exit: all the trail knows. */
  private static void knownPrices(PositionHistory p, TreeMap<Long, BigDecimal> line) {
    line.put(p.openedAt().getEpochSecond(), p.entryPrice());
    for (ReportEvent e : p.events()) {
      Optional<BigDecimal> price =
          switch (e.type()) {
            case "TRAILING_ACTIVATED" -> ReportReader.decimal(e.payload(), "peak");
            case "TRAILING_TRIGGERED" -> ReportReader.decimal(e.payload(), "price");
            default -> Optional.empty();
          };
      price.ifPresent(v -> line.put(e.at().getEpochSecond(), v));
    }
    if (p.closedAt().isPresent() && p.exitPrice().isPresent()) {
      line.put(p.closedAt().get().getEpochSecond(), p.exitPrice().get());
    }
  }

  /** The stop's level from each placement and move, held to the end of the position. */
  private static TreeMap<Long, BigDecimal> stops(PositionHistory p, Instant end) {
    TreeMap<Long, BigDecimal> stops = new TreeMap<>();
    for (ReportEvent e : p.events()) {
      Optional<BigDecimal> level =
          switch (e.type()) {
            case "STOP_PLACED" -> ReportReader.decimal(e.payload(), "triggerPrice");
            case "STOP_MOVED" -> ReportReader.decimal(e.payload(), "toTrigger");
            default -> Optional.empty();
          };
      level.ifPresent(v -> stops.put(e.at().getEpochSecond(), v));
    }
    if (!stops.isEmpty() && stops.lastKey() < end.getEpochSecond()) {
      stops.put(end.getEpochSecond(), stops.lastEntry().getValue());
    }
    return stops;
  }

  static Optional<BigDecimal> activationPrice(PositionHistory p) {
    return p.events().stream()
        .filter(e -> e.type().equals("TRAILING_STARTED"))
        .reduce((a, b) -> b)
        .flatMap(e -> ReportReader.decimal(e.payload(), "activationPrice"));
  }

  private static JsonArray markers(PositionHistory p, TreeMap<Long, BigDecimal> line) {
    List<JsonObject> out = new ArrayList<>();
    boolean isLong = "LONG".equals(p.side());
    out.add(
        marker(
            snap(line, p.openedAt()),
            isLong ? "belowBar" : "aboveBar",
            isLong ? "arrowUp" : "arrowDown",
            "#2e7d32",
            "entry " + plain(p.entryPrice())));
    p.events().stream()
        .filter(e -> e.type().equals("TRAILING_ACTIVATED"))
        .findFirst()
        .ifPresent(
            e ->
                out.add(
                    marker(
                        snap(line, e.at()), "aboveBar", "circle", "#ef6c00", "trailing active")));
    if (p.closedAt().isPresent()) {
      String text =
          "exit "
              + p.exitPrice().map(PositionChart::plain).orElse("unknown")
              + p.closeReason().map(r -> " (" + r + ")").orElse("");
      out.add(marker(snap(line, p.closedAt().get()), "aboveBar", "square", "#6a1b9a", text));
    }
    out.sort((a, b) -> Long.compare(a.get("time").getAsLong(), b.get("time").getAsLong()));
    JsonArray array = new JsonArray();
    out.forEach(array::add);
    return array;
  }

  /** The line's time nearest to {@code at}: a marker sits on a point of its series. */
  private static long snap(TreeMap<Long, BigDecimal> line, Instant at) {
    long t = at.getEpochSecond();
    Long floor = line.floorKey(t);
    Long ceiling = line.ceilingKey(t);
    if (floor == null) {
      return ceiling;
    }
    if (ceiling == null) {
      return floor;
    }
    return t - floor <= ceiling - t ? floor : ceiling;
  }

  private static JsonObject marker(
      long time, String position, String shape, String color, String text) {
    JsonObject m = new JsonObject();
    m.addProperty("time", time);
    m.addProperty("position", position);
    m.addProperty("shape", shape);
    m.addProperty("color", color);
    m.addProperty("text", text);
    return m;
  }

  private static JsonArray points(TreeMap<Long, BigDecimal> series) {
    JsonArray a = new JsonArray();
    series.forEach(
        (time, value) -> {
          JsonObject point = new JsonObject();
          point.addProperty("time", time);
          point.addProperty("value", value);
          a.add(point);
        });
    return a;
  }

  private static int precision(BigDecimal price) {
    return Math.min(8, Math.max(2, price.stripTrailingZeros().scale()));
  }

  static String plain(BigDecimal v) {
    return v.stripTrailingZeros().toPlainString();
  }
}
