package io.positionkeeper.runner.paper;

import io.positionkeeper.ports.model.Symbol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A mark-price replay read from CSV: a {@code time,symbol,mark} header, then one ISO-8601 instant,
 * symbol and price a line; lines starting with {@code #} are comments. A bad line fails the whole
 * read with its line number, so a trader's file is never replayed half-understood.
 */
public final class MarkSeries {
  private MarkSeries() {}

  public static List<MarkTick> read(Reader source, String name) throws IOException {
    List<MarkTick> ticks = new ArrayList<>();
    boolean header = false;
    int number = 0;
    try (BufferedReader reader = new BufferedReader(source)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        if (!header) {
          if (!text.equalsIgnoreCase("time,symbol,mark")) {
            throw new IllegalArgumentException(
                name + " line " + number + ": expected the header time,symbol,mark, was " + text);
          }
          header = true;
          continue;
        }
        ticks.add(parse(text, name, number));
      }
    }
    if (ticks.isEmpty()) {
      throw new IllegalArgumentException(
          name + ": no mark prices (expected time,symbol,mark lines)");
    }
    ticks.sort(Comparator.comparing(MarkTick::at));
    return List.copyOf(ticks);
  }

  private static MarkTick parse(String text, String name, int number) {
    String[] parts = text.split(",", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          name + " line " + number + ": expected time,symbol,mark, was " + text);
    }
    try {
      return new MarkTick(
          Instant.parse(parts[0].strip()),
          Symbol.of(parts[1].strip()),
          new BigDecimal(parts[2].strip()));
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          name + " line " + number + ": " + e.getMessage() + " (line: " + text + ")", e);
    }
  }
}
