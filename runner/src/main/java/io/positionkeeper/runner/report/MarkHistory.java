package io.positionkeeper.runner.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The mark prices a report can draw, per symbol, in time order. The database keeps no mark history
 * (only the events' prices), so a report gets its marks from the replay that made them or from the
 * trader's marks file; without them a chart draws the prices the events carry.
 */
public final class MarkHistory {
  /** One mark price. */
  public record Point(Instant at, BigDecimal price) {
    public Point {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(price, "price");
    }
  }

  private final Map<String, List<Point>> bySymbol;

  private MarkHistory(Map<String, List<Point>> bySymbol) {
    this.bySymbol = bySymbol;
  }

  public static MarkHistory none() {
    return new MarkHistory(Map.of());
  }

  /** Marks keyed by symbol; each list is sorted here, the caller's order does not matter. */
  public static MarkHistory of(Map<String, List<Point>> marks) {
    Map<String, List<Point>> sorted = new TreeMap<>();
    marks.forEach(
        (symbol, points) -> {
          List<Point> copy = new ArrayList<>(points);
          copy.sort(Comparator.comparing(Point::at));
          sorted.put(symbol, List.copyOf(copy));
        });
    return new MarkHistory(Map.copyOf(sorted));
  }

  public boolean isEmpty() {
    return bySymbol.isEmpty();
  }

  /** The symbol's marks from {@code from} to {@code to}, both inclusive. */
  public List<Point> between(String symbol, Instant from, Instant to) {
    return bySymbol.getOrDefault(symbol, List.of()).stream()
        .filter(p -> !p.at().isBefore(from) && !p.at().isAfter(to))
        .toList();
  }
}
