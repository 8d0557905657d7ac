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

  /** Classifies one message text (streaming: see {@link FrameReader}). */
  static Frame of(String text) {
    FrameReader.Top m = FrameReader.read(text);
    String op = m.op();
    if ("pong".equals(op) || ("ping".equals(op) && m.success() != null)) {
      return new Pong();
    }
    if ("auth".equals(op)) {
      return new AuthResult(Boolean.TRUE.equals(m.success()), m.retMsg());
    }
    if ("subscribe".equals(op) || "unsubscribe".equals(op)) {
      return new SubscribeResult(Boolean.TRUE.equals(m.success()), m.retMsg());
    }
    String topic = m.topic();
    if (topic.startsWith("tickers.")) {
      if (m.type() == null) {
        throw new WireFormatException("missing field 'type'");
      }
      if (m.data() == null) {
        throw new WireFormatException("field 'data' is not an object");
      }
      return new Ticker(
          topic.substring("tickers.".length()), m.type(), m.data(), m.ts() == null ? 0 : m.ts());
    }
    if (!topic.isEmpty() && m.rows() != null) {
      return new Private(topic, m.creationTime() == null ? 0 : m.creationTime(), m.rows());
    }
    return new Other(op.isEmpty() ? "topic '" + topic + "'" : "op '" + op + "'");
  }
}
