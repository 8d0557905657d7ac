package io.positionkeeper.binance.parse;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/**
 * Strict, lenient-where-the-venue-is-lenient access to Gson trees. Decimals are read from the
 * primitive's text into {@link BigDecimal} and integers with {@link Long#parseLong}: never through
 * {@code double}, since Binance ids exceed 2^53. Unknown fields are ignored; a missing or malformed
 * required field fails with its name.
 */
public final class Json {
  /** The most digits a venue's decimal has on either side of the point, with room to spare. */
  public static final int MAX_DIGITS = 64;

  private Json() {}

  /** Parses text into a tree; a syntax error becomes a {@link WireFormatException}. */
  public static JsonElement parse(String text) {
    try {
      return JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new WireFormatException("not JSON: " + e.getMessage(), e);
    }
  }

  public static JsonObject object(JsonElement e, String what) {
    if (e == null || !e.isJsonObject()) {
      throw new WireFormatException(what + " is not a JSON object: " + kind(e));
    }
    return e.getAsJsonObject();
  }

  public static JsonArray array(JsonElement e, String what) {
    if (e == null || !e.isJsonArray()) {
      throw new WireFormatException(what + " is not a JSON array: " + kind(e));
    }
    return e.getAsJsonArray();
  }

  /** A present, non-null primitive field, or a {@link WireFormatException}. */
  private static JsonPrimitive primitive(JsonObject o, String field) {
    JsonElement e = o.get(field);
    if (e == null || e.isJsonNull()) {
      throw new WireFormatException("missing field '" + field + "'");
    }
    if (!e.isJsonPrimitive()) {
      throw new WireFormatException("field '" + field + "' is not a value: " + kind(e));
    }
    return e.getAsJsonPrimitive();
  }

  public static boolean has(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e != null && !e.isJsonNull();
  }

  public static String string(JsonObject o, String field) {
    return primitive(o, field).getAsString();
  }

  public static String optString(JsonObject o, String field, String fallback) {
    return has(o, field) ? string(o, field) : fallback;
  }

  /** A decimal sent as a JSON string ({@code "0.010"}) or number, read exactly. */
  public static BigDecimal decimal(JsonObject o, String field) {
    return decimalText(primitive(o, field).getAsString(), field);
  }

  /**
   * The venue's decimal text, read exactly. A number with more than {@value #MAX_DIGITS} digits
   * either side of the point is no price or quantity the venue sends: {@code 1e400} read as a mark
   * price would move a trailing stop out of the market, and {@code 1E+2147483648} is a BigDecimal
   * whose first sum overflows (ArithmeticException) far from the wire. Both are bad data here.
   */
  public static BigDecimal decimalText(String text, String field) {
    BigDecimal d;
    try {
      d = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new WireFormatException("field '" + field + "' is not a decimal: '" + text + "'", e);
    }
    if (Math.abs((long) d.scale()) > MAX_DIGITS || d.precision() > MAX_DIGITS) {
      throw new WireFormatException(
          "field '"
              + field
              + "' is out of range: '"
              + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
              + "'");
    }
    return d;
  }

  /** A decimal that may be absent, null or empty (the venue's way of saying "not set"). */
  public static BigDecimal optDecimal(JsonObject o, String field, BigDecimal fallback) {
    if (!has(o, field)) {
      return fallback;
    }
    String text = primitive(o, field).getAsString();
    if (text.isEmpty() || text.equals("null")) {
      return fallback;
    }
    return decimalText(text, field);
  }

  /** A 64-bit integer sent as a number or a string (listenKeyExpired sends {@code E} as text). */
  public static long longValue(JsonObject o, String field) {
    String text = primitive(o, field).getAsString();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new WireFormatException(
          "field '" + field + "' is not a 64-bit integer: '" + text + "'", e);
    }
  }

  public static long optLong(JsonObject o, String field, long fallback) {
    return has(o, field) ? longValue(o, field) : fallback;
  }

  /** A boolean sent as {@code true} or as the text {@code "true"}/{@code "TRUE"}. */
  public static boolean bool(JsonObject o, String field) {
    JsonPrimitive p = primitive(o, field);
    if (p.isBoolean()) {
      return p.getAsBoolean();
    }
    String text = p.getAsString();
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw new WireFormatException("field '" + field + "' is not a boolean: '" + text + "'");
  }

  public static boolean optBool(JsonObject o, String field, boolean fallback) {
    return has(o, field) ? bool(o, field) : fallback;
  }

  private static String kind(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonArray()) {
      return "array";
    }
    if (e.isJsonObject()) {
      return "object";
    }
    return "value";
  }
}
