package io.positionkeeper.binance.parse;

import static io.positionkeeper.binance.parse.Json.decimal;
import static io.positionkeeper.binance.parse.Json.has;
import static io.positionkeeper.binance.parse.Json.longValue;
import static io.positionkeeper.binance.parse.Json.optBool;
import static io.positionkeeper.binance.parse.Json.optDecimal;
import static io.positionkeeper.binance.parse.Json.optLong;
import static io.positionkeeper.binance.parse.Json.optString;
import static io.positionkeeper.binance.parse.Json.string;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one WebSocket text frame into a {@link StreamMessage}. Accepts raw frames ({@code
 * /ws/<name>}) and combined ones ({@code {"stream":..., "data":...}} of {@code /stream?streams=}).
 * A frame that cannot be read fails with a {@link WireFormatException} naming the event type and
 * the field; it never yields a half-filled message.
 */
public final class StreamDecoder {
  private StreamDecoder() {}

  public static StreamMessage decode(String frame) {
    JsonElement root = Json.parse(frame);
    if (root.isJsonObject()) {
      JsonObject o = root.getAsJsonObject();
      if (o.has("data") && o.has("stream")) {
        root = o.get("data");
      }
    }
    if (root.isJsonArray()) {
      return markPriceBatch(root.getAsJsonArray());
    }
    JsonObject o = Json.object(root, "stream frame");
    if (!has(o, "e")) {
      if (o.has("id") && (o.has("result") || o.has("error"))) {
        return subscriptionReply(o);
      }
      throw new WireFormatException("frame without event type 'e'");
    }
    String type = string(o, "e");
    try {
      return switch (type) {
        case "ACCOUNT_UPDATE" -> accountUpdate(o);
        case "ORDER_TRADE_UPDATE" -> orderUpdate(o);
        case "ALGO_UPDATE" -> algoUpdate(o);
        case "TRADE_LITE" -> tradeLite(o);
        case "listenKeyExpired" -> new StreamMessage.ListenKeyExpired(optLong(o, "E", 0));
        case "markPriceUpdate" -> markPrice(o);
        default -> new StreamMessage.Other(type, optLong(o, "E", 0));
      };
    } catch (WireFormatException e) {
      throw new WireFormatException(type + ": " + e.getMessage(), e);
    }
  }

  private static StreamMessage.AccountUpdate accountUpdate(JsonObject o) {
    JsonObject a = Json.object(o.get("a"), "field 'a'");
    List<StreamMessage.PositionRow> rows = new ArrayList<>();
    if (has(a, "P")) {
      JsonArray p = Json.array(a.get("P"), "field 'a.P'");
      for (int i = 0; i < p.size(); i++) {
        JsonObject r = Json.object(p.get(i), "a.P[" + i + "]");
        try {
          rows.add(
              new StreamMessage.PositionRow(
                  string(r, "s"), optString(r, "ps", "BOTH"), decimal(r, "pa"), decimal(r, "ep")));
        } catch (WireFormatException e) {
          throw new WireFormatException("a.P[" + i + "]: " + e.getMessage(), e);
        }
      }
    }
    return new StreamMessage.AccountUpdate(
        longValue(o, "E"), optLong(o, "T", longValue(o, "E")), optString(a, "m", ""), rows);
  }

  private static StreamMessage.OrderUpdate orderUpdate(JsonObject root) {
    JsonObject o = Json.object(root.get("o"), "field 'o'");
    long eventTime = longValue(root, "E");
    return new StreamMessage.OrderUpdate(
        eventTime,
        optLong(root, "T", eventTime),
        string(o, "s"),
        optString(o, "c", ""),
        string(o, "S"),
        optString(o, "o", ""),
        string(o, "x"),
        string(o, "X"),
        longValue(o, "i"),
        decimal(o, "q"),
        optDecimal(o, "l", BigDecimal.ZERO),
        decimal(o, "z"),
        optDecimal(o, "L", BigDecimal.ZERO),
        optDecimal(o, "ap", BigDecimal.ZERO),
        optLong(o, "t", 0),
        optBool(o, "R", false),
        optBool(o, "cp", false),
        optDecimal(o, "rp", BigDecimal.ZERO),
        optString(o, "ps", "BOTH"));
  }

  private static StreamMessage.AlgoUpdate algoUpdate(JsonObject root) {
    JsonObject o = Json.object(root.get("o"), "field 'o'");
    long eventTime = longValue(root, "E");
    return new StreamMessage.AlgoUpdate(
        eventTime,
        optLong(root, "T", eventTime),
        string(o, "caid"),
        longValue(o, "aid"),
        optString(o, "o", ""),
        string(o, "s"),
        string(o, "S"),
        optString(o, "ps", "BOTH"),
        string(o, "X"),
        optString(o, "ai", ""),
        // TRIGGERING frames carry no ap/aq yet.
        optDecimal(o, "ap", BigDecimal.ZERO),
        optDecimal(o, "aq", BigDecimal.ZERO),
        optDecimal(o, "tp", BigDecimal.ZERO),
        optBool(o, "cp", false),
        optString(o, "rm", ""));
  }

  private static StreamMessage.TradeLite tradeLite(JsonObject o) {
    long eventTime = longValue(o, "E");
    return new StreamMessage.TradeLite(
        eventTime,
        optLong(o, "T", eventTime),
        string(o, "s"),
        optString(o, "c", ""),
        string(o, "S"),
        decimal(o, "l"),
        decimal(o, "L"),
        optLong(o, "t", 0),
        longValue(o, "i"));
  }

  private static StreamMessage.MarkPriceUpdate markPrice(JsonObject o) {
    return new StreamMessage.MarkPriceUpdate(longValue(o, "E"), string(o, "s"), decimal(o, "p"));
  }

  private static StreamMessage.MarkPriceBatch markPriceBatch(JsonArray array) {
    List<StreamMessage.MarkPriceUpdate> updates = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonObject o = Json.object(array.get(i), "element " + i);
      String type = optString(o, "e", "");
      if (!type.equals("markPriceUpdate")) {
        throw new WireFormatException("array frame element " + i + " is '" + type + "'");
      }
      try {
        updates.add(markPrice(o));
      } catch (WireFormatException e) {
        throw new WireFormatException("markPriceUpdate[" + i + "]: " + e.getMessage(), e);
      }
    }
    return new StreamMessage.MarkPriceBatch(updates);
  }

  private static StreamMessage.SubscriptionReply subscriptionReply(JsonObject o) {
    String error = "";
    if (has(o, "error")) {
      JsonElement err = o.get("error");
      error = err.isJsonObject() ? err.toString() : err.getAsString();
    }
    return new StreamMessage.SubscriptionReply(optLong(o, "id", 0), error);
  }
}
