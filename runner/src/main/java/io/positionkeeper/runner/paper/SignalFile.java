package io.positionkeeper.runner.paper;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Signals as JSON lines, one object a line: {@code at} (ISO-8601), {@code symbol}, {@code side}
 * (LONG/SHORT), {@code size}, {@code sizeUnit} (BASE/QUOTE), {@code stopLossPercent}, {@code
 * activationPercent}, {@code callbackPercent}. A bad line fails the read with its line number. Each
 * signal's intent id is {@code idPrefix} and its line number: a session prefix keeps a reused
 * database's earlier entries from clashing with this session's.
 */
public final class SignalFile {
  private SignalFile() {}

  public static List<TimedIntent> read(
      Reader source, String name, Exchange exchange, String idPrefix) throws IOException {
    List<TimedIntent> intents = new ArrayList<>();
    int number = 0;
    try (BufferedReader reader = new BufferedReader(source)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        try {
          intents.add(
              parse(JsonParser.parseString(text).getAsJsonObject(), exchange, idPrefix + number));
        } catch (JsonParseException | IllegalStateException | IllegalArgumentException e) {
          throw new IllegalArgumentException(
              name + " line " + number + ": " + e.getMessage() + " (line: " + text + ")", e);
        }
      }
    }
    intents.sort(Comparator.comparing(TimedIntent::at));
    return List.copyOf(intents);
  }

  private static TimedIntent parse(JsonObject o, Exchange exchange, String intentId) {
    Instant at = Instant.parse(field(o, "at"));
    return new TimedIntent(
        at,
        new OpenIntent(
            exchange,
            Symbol.of(field(o, "symbol")),
            PositionSide.valueOf(field(o, "side")),
            new BigDecimal(field(o, "size")),
            SizeUnit.valueOf(field(o, "sizeUnit")),
            new BigDecimal(field(o, "stopLossPercent")),
            new TrailingParams(
                new BigDecimal(field(o, "activationPercent")),
                new BigDecimal(field(o, "callbackPercent"))),
            Optional.of(intentId),
            intentId));
  }

  private static String field(JsonObject o, String name) {
    if (!o.has(name) || o.get(name).isJsonNull()) {
      throw new IllegalArgumentException("missing field \"" + name + "\"");
    }
    return o.get(name).getAsString();
  }
}
