package io.positionkeeper.runner.live;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A live signal as one JSON line (from a file or standard input): {@code id}, {@code symbol},
 * {@code side} (LONG/SHORT), {@code size}, {@code sizeUnit} (BASE/QUOTE), {@code stopLossPercent},
 * {@code activationPercent}, {@code callbackPercent}, and optionally {@code exchange}. The {@code
 * id} is required: it names the intent, so the same line read again (a file re-read after a
 * restart) is refused by the keeper instead of opening a second position. Every refusal says which
 * field and why.
 */
final class LineSignals {
  private static final int MAX_DIGITS = 64;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final Exchange exchange;

  LineSignals(Exchange exchange) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
  }

  /** The line's open intent; {@link IllegalArgumentException} names what is wrong. */
  OpenIntent parse(String line) {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(line);
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      o = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    String id = text(o, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "field \"id\": 1-64 of A-Z a-z 0-9 . _ : - expected, was \"" + id + "\"");
    }
    if (o.has("exchange") && !text(o, "exchange").equalsIgnoreCase(exchange.name())) {
      throw new IllegalArgumentException(
          "field \"exchange\": this runner trades on " + exchange + ", not " + text(o, "exchange"));
    }
    return new OpenIntent(
        exchange,
        symbol(text(o, "symbol")),
        enumValue(PositionSide.class, o, "side"),
        decimal(o, "size"),
        enumValue(SizeUnit.class, o, "sizeUnit"),
        decimal(o, "stopLossPercent"),
        new TrailingParams(decimal(o, "activationPercent"), decimal(o, "callbackPercent")),
        Optional.empty(),
        "line-" + id);
  }

  private static Symbol symbol(String value) {
    try {
      return Symbol.of(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field \"symbol\": " + e.getMessage(), e);
    }
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, JsonObject o, String field) {
    String value = text(o, field);
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "field \""
              + field
              + "\": \""
              + value
              + "\" is not one of "
              + java.util.Arrays.toString(type.getEnumConstants()),
          e);
    }
  }

  private static BigDecimal decimal(JsonObject o, String field) {
    String value = text(o, field);
    BigDecimal d;
    try {
      d = new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "field \"" + field + "\": not a number: \"" + value + "\"", e);
    }
    // "1E+2147483648" is a BigDecimal whose scale is at the int's edge: the first sum or
    // comparison with it overflows (ArithmeticException), far from here. No size or percent
    // needs more than a few dozen digits either side of the point.
    if (Math.abs((long) d.scale()) > MAX_DIGITS || d.precision() > MAX_DIGITS) {
      throw new IllegalArgumentException(
          "field \""
              + field
              + "\": out of range (more than "
              + MAX_DIGITS
              + " digits): \""
              + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
              + "\"");
    }
    return d;
  }

  private static String text(JsonObject o, String field) {
    JsonElement e = o.get(field);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("missing field \"" + field + "\"");
    }
    if (!e.isJsonPrimitive()) {
      throw new IllegalArgumentException("field \"" + field + "\": a string or number expected");
    }
    return e.getAsString().strip();
  }
}
