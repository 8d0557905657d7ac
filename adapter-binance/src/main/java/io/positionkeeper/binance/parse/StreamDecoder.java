package io.positionkeeper.binance.parse;

import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one WebSocket text frame into a {@link StreamMessage}. Accepts raw frames ({@code
 * /ws/<name>}) and combined ones ({@code {"stream":..., "data":...}} of {@code /stream?streams=}).
 * A frame that cannot be read fails with a {@link WireFormatException} naming the event type and
 * the field; it never yields a half-filled message.
 *
 * <p>This is the hot path of the streams, so no tree is built: only the fields used are kept, as
 * their literal text (numbers included, so decimals and 64-bit ids stay exact and never pass
 * through {@code double}); every other field is skipped; unknown fields are ignored. A strict
 * {@link FastScanner} reads ordinary frames; anything it does not fully understand goes to Gson's
 * streaming {@link JsonReader}, which is authoritative (and the only path that reports malformed
 * JSON).
 */
public final class StreamDecoder {
  private StreamDecoder() {}

  public static StreamMessage decode(String frame) {
    FastScanner.Frame fast = FastScanner.scan(frame);
    return fast != null ? message(fast.root(), fast.array()) : decodeWithGson(frame);
  }

  /** The authoritative path: Gson's streaming reader, for every frame the fast scanner declines. */
  public static StreamMessage decodeWithGson(String frame) {
    Fields root;
    List<Fields> array = null;
    try {
      JsonReader reader = new JsonReader(new StringReader(frame));
      JsonToken first = reader.peek();
      if (first == JsonToken.BEGIN_ARRAY) {
        array = readArray(reader);
        root = null;
      } else if (first == JsonToken.BEGIN_OBJECT) {
        root = readObject(reader);
      } else {
        throw new WireFormatException("stream frame is not a JSON object");
      }
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new WireFormatException("not JSON: data after the frame");
      }
    } catch (IOException
        | IllegalStateException
        | NumberFormatException
        | com.google.gson.JsonParseException e) {
      throw new WireFormatException("not JSON: " + e.getMessage(), e);
    }
    return message(root, array);
  }

  private static StreamMessage message(Fields root, List<Fields> array) {
    if (root != null && root.stream != null && (root.data != null || root.dataArray != null)) {
      array = root.dataArray;
      root = root.data;
    }
    if (array != null) {
      return markPriceBatch(array);
    }
    if (root.e == null) {
      if (root.id != null && (root.result || root.error != null)) {
        return new StreamMessage.SubscriptionReply(
            root.id.equals("null") ? 0 : lng(root.id, "id"), root.error == null ? "" : root.error);
      }
      throw new WireFormatException("frame without event type 'e'");
    }
    String type = root.e;
    try {
      return switch (type) {
        case "ACCOUNT_UPDATE" -> accountUpdate(root);
        case "ORDER_TRADE_UPDATE" -> orderUpdate(root);
        case "ALGO_UPDATE" -> algoUpdate(root);
        case "TRADE_LITE" -> tradeLite(root);
        case "listenKeyExpired" ->
            new StreamMessage.ListenKeyExpired(root.bigE == null ? 0 : lng(root.bigE, "E"));
        case "markPriceUpdate" -> markPrice(root);
        default -> new StreamMessage.Other(type, root.bigE == null ? 0 : lng(root.bigE, "E"));
      };
    } catch (WireFormatException e) {
      throw new WireFormatException(type + ": " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ messages

  private static StreamMessage.AccountUpdate accountUpdate(Fields f) {
    long eventTime = lng(req(f.bigE, "E"), "E");
    long transactionTime = f.bigT == null ? eventTime : lng(f.bigT, "T");
    Fields a = f.a;
    if (a == null) {
      throw new WireFormatException(
          "field 'a' is not a JSON object: " + (f.aPresent ? "value" : "null"));
    }
    List<StreamMessage.PositionRow> rows = new ArrayList<>();
    if (a.rows != null) {
      for (int i = 0; i < a.rows.size(); i++) {
        Fields r = a.rows.get(i);
        try {
          rows.add(
              new StreamMessage.PositionRow(
                  req(r.s, "s"),
                  r.ps == null ? "BOTH" : r.ps,
                  dec(req(r.pa, "pa"), "pa"),
                  dec(req(r.ep, "ep"), "ep")));
        } catch (WireFormatException e) {
          throw new WireFormatException("a.P[" + i + "]: " + e.getMessage(), e);
        }
      }
    }
    return new StreamMessage.AccountUpdate(
        eventTime, transactionTime, a.m == null ? "" : a.m, rows);
  }

  private static StreamMessage.OrderUpdate orderUpdate(Fields root) {
    long eventTime = lng(req(root.bigE, "E"), "E");
    Fields o = nested(root);
    return new StreamMessage.OrderUpdate(
        eventTime,
        root.bigT == null ? eventTime : lng(root.bigT, "T"),
        req(o.s, "s"),
        o.c == null ? "" : o.c,
        req(o.bigS, "S"),
        o.o == null ? "" : o.o,
        req(o.x, "x"),
        req(o.bigX, "X"),
        lng(req(o.i, "i"), "i"),
        dec(req(o.q, "q"), "q"),
        optDec(o.l, "l"),
        dec(req(o.z, "z"), "z"),
        optDec(o.bigL, "L"),
        optDec(o.ap, "ap"),
        o.t == null ? 0 : lng(o.t, "t"),
        bool(o.bigR, "R"),
        bool(o.cp, "cp"),
        optDec(o.rp, "rp"),
        o.ps == null ? "BOTH" : o.ps);
  }

  private static StreamMessage.AlgoUpdate algoUpdate(Fields root) {
    long eventTime = lng(req(root.bigE, "E"), "E");
    Fields o = nested(root);
    return new StreamMessage.AlgoUpdate(
        eventTime,
        root.bigT == null ? eventTime : lng(root.bigT, "T"),
        req(o.caid, "caid"),
        lng(req(o.aid, "aid"), "aid"),
        o.o == null ? "" : o.o,
        req(o.s, "s"),
        req(o.bigS, "S"),
        o.ps == null ? "BOTH" : o.ps,
        req(o.bigX, "X"),
        o.ai == null ? "" : o.ai,
        // TRIGGERING frames carry no ap/aq yet.
        optDec(o.ap, "ap"),
        optDec(o.aq, "aq"),
        optDec(o.tp, "tp"),
        bool(o.cp, "cp"),
        o.rm == null ? "" : o.rm);
  }

  private static StreamMessage.TradeLite tradeLite(Fields f) {
    long eventTime = lng(req(f.bigE, "E"), "E");
    return new StreamMessage.TradeLite(
        eventTime,
        f.bigT == null ? eventTime : lng(f.bigT, "T"),
        req(f.s, "s"),
        f.c == null ? "" : f.c,
        req(f.bigS, "S"),
        dec(req(f.l, "l"), "l"),
        dec(req(f.bigL, "L"), "L"),
        f.t == null ? 0 : lng(f.t, "t"),
        lng(req(f.i, "i"), "i"));
  }

  private static StreamMessage.MarkPriceUpdate markPrice(Fields f) {
    return new StreamMessage.MarkPriceUpdate(
        lng(req(f.bigE, "E"), "E"), req(f.s, "s"), dec(req(f.p, "p"), "p"));
  }

  private static StreamMessage.MarkPriceBatch markPriceBatch(List<Fields> array) {
    List<StreamMessage.MarkPriceUpdate> updates = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Fields f = array.get(i);
      if (f == null || !"markPriceUpdate".equals(f.e)) {
        throw new WireFormatException(
            "array frame element " + i + " is '" + (f == null ? "not an object" : f.e) + "'");
      }
      try {
        updates.add(markPrice(f));
      } catch (WireFormatException e) {
        throw new WireFormatException("markPriceUpdate[" + i + "]: " + e.getMessage(), e);
      }
    }
    return new StreamMessage.MarkPriceBatch(updates);
  }

  private static Fields nested(Fields root) {
    if (root.nestedO == null) {
      throw new WireFormatException(
          "field 'o' is not a JSON object: " + (root.o == null ? "null" : "value"));
    }
    return root.nestedO;
  }

  // ------------------------------------------------------------------ values

  private static String req(String value, String field) {
    if (value == null) {
      throw new WireFormatException("missing field '" + field + "'");
    }
    return value;
  }

  private static BigDecimal dec(String text, String field) {
    return Json.decimalText(text, field);
  }

  private static BigDecimal optDec(String text, String field) {
    if (text == null || text.isEmpty() || text.equals("null")) {
      return BigDecimal.ZERO;
    }
    return dec(text, field);
  }

  private static long lng(String text, String field) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new WireFormatException(
          "field '" + field + "' is not a 64-bit integer: '" + text + "'", e);
    }
  }

  private static boolean bool(String text, String field) {
    if (text == null) {
      return false;
    }
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw new WireFormatException("field '" + field + "' is not a boolean: '" + text + "'");
  }

  // ------------------------------------------------------------------ reading

  private static List<Fields> readArray(JsonReader r) throws IOException {
    List<Fields> out = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      if (r.peek() == JsonToken.BEGIN_OBJECT) {
        out.add(readObject(r));
      } else {
        r.skipValue();
        out.add(null);
      }
    }
    r.endArray();
    return out;
  }

  private static Fields readObject(JsonReader r) throws IOException {
    Fields f = new Fields();
    r.beginObject();
    while (r.hasNext()) {
      String name = r.nextName();
      switch (name) {
        case "e" -> f.e = scalar(r, name);
        case "E" -> f.bigE = scalar(r, name);
        case "T" -> f.bigT = scalar(r, name);
        case "s" -> f.s = scalar(r, name);
        case "c" -> f.c = scalar(r, name);
        case "S" -> f.bigS = scalar(r, name);
        case "x" -> f.x = scalar(r, name);
        case "X" -> f.bigX = scalar(r, name);
        case "i" -> f.i = scalar(r, name);
        case "q" -> f.q = scalar(r, name);
        case "l" -> f.l = scalar(r, name);
        case "z" -> f.z = scalar(r, name);
        case "L" -> f.bigL = scalar(r, name);
        case "ap" -> f.ap = scalar(r, name);
        case "t" -> f.t = scalar(r, name);
        case "R" -> f.bigR = scalar(r, name);
        case "cp" -> f.cp = scalar(r, name);
        case "rp" -> f.rp = scalar(r, name);
        case "ps" -> f.ps = scalar(r, name);
        case "caid" -> f.caid = scalar(r, name);
        case "aid" -> f.aid = scalar(r, name);
        case "ai" -> f.ai = scalar(r, name);
        case "aq" -> f.aq = scalar(r, name);
        case "tp" -> f.tp = scalar(r, name);
        case "rm" -> f.rm = scalar(r, name);
        case "pa" -> f.pa = scalar(r, name);
        case "ep" -> f.ep = scalar(r, name);
        case "p" -> f.p = scalar(r, name);
        case "m" -> f.m = scalar(r, name);
        case "stream" -> f.stream = scalar(r, name);
        case "id" -> {
          if (r.peek() == JsonToken.NULL) {
            r.nextNull();
            f.id = "null";
          } else {
            f.id = scalar(r, name);
          }
        }
        case "result" -> {
          f.result = true;
          r.skipValue();
        }
        case "error" -> f.error = JsonParser.parseReader(r).toString();
        case "o" -> {
          // An object in ORDER_TRADE_UPDATE/ALGO_UPDATE frames; the order type inside them.
          if (r.peek() == JsonToken.BEGIN_OBJECT) {
            f.nestedO = readObject(r);
          } else {
            f.o = scalar(r, name);
          }
        }
        case "a" -> {
          f.aPresent = true;
          if (r.peek() == JsonToken.BEGIN_OBJECT) {
            f.a = readObject(r);
          } else {
            r.skipValue(); // the ask notional inside an order object: not used
          }
        }
        case "P" -> {
          if (r.peek() == JsonToken.BEGIN_ARRAY) {
            f.rows = readArray(r);
            for (int k = 0; k < f.rows.size(); k++) {
              if (f.rows.get(k) == null) {
                throw new WireFormatException("a.P[" + k + "] is not a JSON object");
              }
            }
          } else {
            r.skipValue(); // markPriceUpdate's estimated settle price, not used
          }
        }
        case "data" -> {
          JsonToken t = r.peek();
          if (t == JsonToken.BEGIN_OBJECT) {
            f.data = readObject(r);
          } else if (t == JsonToken.BEGIN_ARRAY) {
            f.dataArray = readArray(r);
          } else {
            r.skipValue();
          }
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    return f;
  }

  /** A string, number (its literal text) or boolean; null for JSON null. */
  private static String scalar(JsonReader r, String name) throws IOException {
    return switch (r.peek()) {
      case STRING, NUMBER -> r.nextString();
      case BOOLEAN -> r.nextBoolean() ? "true" : "false";
      case NULL -> {
        r.nextNull();
        yield null;
      }
      default -> throw new WireFormatException("field '" + name + "' is not a value");
    };
  }
}
