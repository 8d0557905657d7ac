package io.positionkeeper.bybit.parse;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one stream message with Gson's streaming reader instead of building the whole tree: a
 * private row keeps only the fields the adapter reads ({@link #ROW_FIELDS}) and skips the rest (a
 * {@code position} row has about 40 fields, an {@code order} row about 50, and nested fee objects),
 * which is most of what a tree of the message costs. A ticker's {@code data} object is small and
 * kept whole. The classification is {@link Frame#of}'s.
 */
final class FrameReader {
  /**
   * Every field of a private row that {@link EventMapper} and {@link Rest} read. A field missing
   * here reads as absent, so a reader of a new field adds it here (a test compares this reader with
   * a full tree on the fixtures and the benchmark payloads).
   */
  static final Set<String> ROW_FIELDS =
      Set.of(
          "category",
          "symbol",
          "side",
          "size",
          "entryPrice",
          "avgPrice",
          "markPrice",
          "stopLoss",
          "tpslMode",
          "updatedTime",
          "orderId",
          "orderLinkId",
          "orderStatus",
          "qty",
          "cumExecQty",
          "cumExecValue",
          "stopOrderType",
          "triggerPrice",
          "closedPnl",
          "reduceOnly",
          "execType",
          "execPrice",
          "execQty",
          "closedSize",
          "execPnl",
          "execTime");

  private FrameReader() {}

  /** The message's top-level fields this adapter reads. */
  record Top(
      String op,
      Boolean success,
      String retMsg,
      String topic,
      String type,
      Long ts,
      Long creationTime,
      List<JsonObject> rows,
      JsonObject data) {}

  static Top read(String text) {
    try (JsonReader r = new JsonReader(new StringReader(text))) {
      if (r.peek() != JsonToken.BEGIN_OBJECT) {
        throw new WireFormatException("expected a JSON object, got " + r.peek());
      }
      return top(r);
    } catch (IOException | IllegalStateException | NumberFormatException | JsonParseException e) {
      throw new WireFormatException("not JSON: " + e.getMessage(), e);
    }
  }

  private static Top top(JsonReader r) throws IOException {
    String op = "";
    Boolean success = null;
    String retMsg = "";
    String topic = "";
    String type = null;
    Long ts = null;
    Long creationTime = null;
    List<JsonObject> rows = null;
    JsonObject data = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "op" -> op = text(r);
        case "success" -> success = flag(r);
        case "ret_msg" -> retMsg = text(r);
        case "topic" -> topic = text(r);
        case "type" -> type = text(r);
        case "ts" -> ts = number(r);
        case "creationTime" -> creationTime = number(r);
        case "data" -> {
          JsonToken t = r.peek();
          if (t == JsonToken.BEGIN_ARRAY) {
            rows = rows(r);
          } else if (t == JsonToken.BEGIN_OBJECT) {
            data = JsonParser.parseReader(r).getAsJsonObject();
          } else {
            r.skipValue();
          }
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    return new Top(op, success, retMsg, topic, type, ts, creationTime, rows, data);
  }

  private static List<JsonObject> rows(JsonReader r) throws IOException {
    List<JsonObject> rows = new ArrayList<>(1);
    r.beginArray();
    while (r.hasNext()) {
      if (r.peek() != JsonToken.BEGIN_OBJECT) {
        throw new WireFormatException("a row of 'data' is not an object");
      }
      JsonObject row = new JsonObject();
      r.beginObject();
      while (r.hasNext()) {
        String name = r.nextName();
        if (ROW_FIELDS.contains(name)) {
          row.add(name, value(r));
        } else {
          r.skipValue();
        }
      }
      r.endObject();
      rows.add(row);
    }
    r.endArray();
    return rows;
  }

  private static JsonElement value(JsonReader r) throws IOException {
    return switch (r.peek()) {
      case STRING, NUMBER -> new JsonPrimitive(r.nextString());
      case BOOLEAN -> new JsonPrimitive(r.nextBoolean());
      case NULL -> {
        r.nextNull();
        yield JsonNull.INSTANCE;
      }
      case BEGIN_OBJECT, BEGIN_ARRAY -> JsonParser.parseReader(r);
      case END_ARRAY, END_OBJECT, NAME, END_DOCUMENT ->
          throw new WireFormatException("unexpected " + r.peek() + " in a row");
    };
  }

  private static String text(JsonReader r) throws IOException {
    if (r.peek() == JsonToken.NULL) {
      r.nextNull();
      return "";
    }
    if (r.peek() == JsonToken.BEGIN_OBJECT || r.peek() == JsonToken.BEGIN_ARRAY) {
      r.skipValue();
      return "";
    }
    return r.nextString();
  }

  private static Boolean flag(JsonReader r) throws IOException {
    JsonToken t = r.peek();
    if (t == JsonToken.BOOLEAN) {
      return r.nextBoolean();
    }
    if (t == JsonToken.STRING) {
      return Boolean.parseBoolean(r.nextString());
    }
    r.skipValue();
    return Boolean.FALSE;
  }

  private static Long number(JsonReader r) throws IOException {
    String s = text(r);
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new WireFormatException("a time field is not an integer: '" + s + "'");
    }
  }
}
