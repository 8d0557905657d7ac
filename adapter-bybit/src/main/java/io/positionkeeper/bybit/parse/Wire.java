package io.positionkeeper.bybit.parse;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Field access on Bybit JSON. Decimals and millisecond times arrive as strings; an empty string is
 * an absent value (Bybit sends {@code liqPrice:""}, {@code avgPrice:""}), never zero and never an
 * error.
 */
public final class Wire {
  private static final int MAX_DIGITS = 64;

  private Wire() {}

  /** Parses a JSON object or fails saying what was wrong. */
  public static JsonObject object(String text) {
    try {
      JsonElement e = JsonParser.parseString(text);
      if (!e.isJsonObject()) {
        throw new WireFormatException("expected a JSON object, got " + kind(e));
      }
      return e.getAsJsonObject();
    } catch (JsonSyntaxException e) {
      throw new WireFormatException("not JSON: " + e.getMessage(), e);
    }
  }

  private static final int SYMBOL_CACHE_LIMIT = 4096;
  // Symbols seen so far: the port's constructor checks a Unicode regex, too slow for every stream
  // row. Bounded; a venue lists a few hundred symbols.
  private static final ConcurrentHashMap<String, Symbol> SYMBOLS = new ConcurrentHashMap<>();

  /** The row's {@code symbol}, checked as the port checks it. */
  public static Symbol symbol(JsonObject o) {
    String wire = text(o, "symbol");
    Symbol cached = SYMBOLS.get(wire);
    if (cached != null) {
      return cached;
    }
    Symbol symbol;
    try {
      symbol = Symbol.of(wire);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("unusable symbol '" + wire + "'", e);
    }
    if (SYMBOLS.size() < SYMBOL_CACHE_LIMIT) {
      SYMBOLS.putIfAbsent(wire, symbol);
    }
    return symbol;
  }

  public static String text(JsonObject o, String field) {
    JsonElement e = o.get(field);
    if (e == null || e.isJsonNull()) {
      throw new WireFormatException("missing field '" + field + "'");
    }
    if (!e.isJsonPrimitive()) {
      throw new WireFormatException("field '" + field + "' is " + kind(e) + ", not a value");
    }
    return e.getAsString();
  }

  public static Optional<String> optionalText(JsonObject o, String field) {
    JsonElement e = o.get(field);
    if (e == null || e.isJsonNull() || !e.isJsonPrimitive()) {
      return Optional.empty();
    }
    String s = e.getAsString();
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /** A decimal field; empty when missing or {@code ""}. */
  public static Optional<BigDecimal> decimal(JsonObject o, String field) {
    Optional<String> s = optionalText(o, field);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal d;
    try {
      d = new BigDecimal(s.get());
    } catch (NumberFormatException e) {
      throw new WireFormatException("field '" + field + "' is not a decimal: '" + s.get() + "'");
    }
    // More digits than any price or quantity of the venue on either side of the point: 1e400 read
    // as a mark price would move a stop out of the market, and 1E+2147483648 overflows (an
    // ArithmeticException) at its first sum, far from the wire.
    if (Math.abs((long) d.scale()) > MAX_DIGITS || d.precision() > MAX_DIGITS) {
      String text = s.get();
      throw new WireFormatException(
          "field '"
              + field
              + "' is out of range: '"
              + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
              + "'");
    }
    return Optional.of(d);
  }

  /** A decimal field that the venue always sends. */
  public static BigDecimal requiredDecimal(JsonObject o, String field) {
    return decimal(o, field)
        .orElseThrow(() -> new WireFormatException("missing or empty decimal '" + field + "'"));
  }

  /** A decimal where absence means "none" (an average price before a fill, a zero size). */
  public static BigDecimal decimalOrZero(JsonObject o, String field) {
    return decimal(o, field).orElse(BigDecimal.ZERO);
  }

  public static long number(JsonObject o, String field) {
    String s = text(o, field);
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new WireFormatException("field '" + field + "' is not an integer: '" + s + "'");
    }
  }

  /** A millisecond time sent as a string or a number. */
  public static Instant millis(JsonObject o, String field) {
    return Instant.ofEpochMilli(number(o, field));
  }

  public static Optional<Instant> optionalMillis(JsonObject o, String field) {
    Optional<String> s = optionalText(o, field);
    if (s.isEmpty() || "0".equals(s.get())) {
      return Optional.empty();
    }
    return Optional.of(millis(o, field));
  }

  public static boolean flag(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e != null && e.isJsonPrimitive() && e.getAsBoolean();
  }

  public static JsonObject child(JsonObject o, String field) {
    JsonElement e = o.get(field);
    if (e == null || !e.isJsonObject()) {
      throw new WireFormatException("field '" + field + "' is not an object");
    }
    return e.getAsJsonObject();
  }

  public static JsonArray array(JsonObject o, String field) {
    JsonElement e = o.get(field);
    if (e == null || !e.isJsonArray()) {
      throw new WireFormatException("field '" + field + "' is not an array");
    }
    return e.getAsJsonArray();
  }

  private static String kind(JsonElement e) {
    if (e.isJsonArray()) {
      return "an array";
    }
    if (e.isJsonObject()) {
      return "an object";
    }
    return e.isJsonNull() ? "null" : "a value";
  }
}
