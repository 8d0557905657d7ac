package io.positionkeeper.bybit.parse;

import com.google.gson.JsonObject;
import java.util.List;

/** One message of a Bybit v5 stream, by what it is. */
public sealed interface Frame {
  /**
   * Either pong shape: public {@code {success, ret_msg:"pong", op:"ping"}} or private {@code
   * op:"pong"}.
   */
  record Pong() implements Frame {}

  /** The answer to {@code op:auth}. */
  record AuthResult(boolean success, String message) implements Frame {}

  /** The answer to {@code op:subscribe} (or unsubscribe). */
  record SubscribeResult(boolean success, String message) implements Frame {}

  /** A private topic's rows ({@code position}, {@code order}, {@code execution}, ...). */
  record Private(String topic, long creationTime, List<JsonObject> rows) implements Frame {}

  /** A {@code tickers.<symbol>} snapshot or delta. */
  record Ticker(String symbol, String type, JsonObject data, long ts) implements Frame {}

  /** Anything else; {@code what} says what it looked like. */
  record Other(String what) implements Frame {}

  /** Classifies one message text. */
  static Frame of(String text) {
    JsonObject m = Wire.object(text);
    String op = Wire.optionalText(m, "op").orElse("");
    if ("pong".equals(op) || ("ping".equals(op) && m.has("success"))) {
      return new Pong();
    }
    if ("auth".equals(op)) {
      return new AuthResult(Wire.flag(m, "success"), Wire.optionalText(m, "ret_msg").orElse(""));
    }
    if ("subscribe".equals(op) || "unsubscribe".equals(op)) {
      return new SubscribeResult(
          Wire.flag(m, "success"), Wire.optionalText(m, "ret_msg").orElse(""));
    }
    String topic = Wire.optionalText(m, "topic").orElse("");
    if (topic.startsWith("tickers.")) {
      return new Ticker(
          topic.substring("tickers.".length()),
          Wire.text(m, "type"),
          Wire.child(m, "data"),
          m.has("ts") ? Wire.number(m, "ts") : 0);
    }
    if (!topic.isEmpty() && m.has("data") && m.get("data").isJsonArray()) {
      return new Private(
          topic, m.has("creationTime") ? Wire.number(m, "creationTime") : 0, Rest.list(wrap(m)));
    }
    return new Other(op.isEmpty() ? "topic '" + topic + "'" : "op '" + op + "'");
  }

  private static JsonObject wrap(JsonObject m) {
    JsonObject o = new JsonObject();
    o.add("list", m.get("data"));
    return o;
  }
}
