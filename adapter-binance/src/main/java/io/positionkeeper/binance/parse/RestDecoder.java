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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads REST answers into {@link Wire} records. Every key is optional unless the record cannot
 * exist without it; unknown keys are ignored (the venue adds fields between versions).
 */
public final class RestDecoder {
  private RestDecoder() {}

  public static long serverTime(JsonElement e) {
    return longValue(Json.object(e, "server time"), "serverTime");
  }

  /** {@code GET /fapi/v1/positionSide/dual}: whether the account is in hedge mode. */
  public static boolean dualSidePosition(JsonElement e) {
    return Json.bool(Json.object(e, "position side answer"), "dualSidePosition");
  }

  /** {@code POST /fapi/v1/leverage}: the leverage now set. */
  public static int leverage(JsonElement e) {
    return Math.toIntExact(longValue(Json.object(e, "leverage answer"), "leverage"));
  }

  /** {@code POST /fapi/v1/marginType}: {@code {"code":200,"msg":"success"}}. */
  public static String marginTypeChanged(JsonElement e) {
    JsonObject o = Json.object(e, "margin type answer");
    long code = longValue(o, "code");
    if (code != 200) {
      throw new WireFormatException("margin type answer with code " + code);
    }
    return optString(o, "msg", "");
  }

  public static String listenKey(JsonElement e) {
    String key = string(Json.object(e, "listen key answer"), "listenKey");
    if (key.isBlank()) {
      throw new WireFormatException("empty listenKey");
    }
    return key;
  }

  public static Wire.Order order(JsonElement e) {
    JsonObject o = Json.object(e, "order");
    return new Wire.Order(
        string(o, "symbol"),
        longValue(o, "orderId"),
        string(o, "clientOrderId"),
        string(o, "side"),
        optString(o, "positionSide", "BOTH"),
        string(o, "status"),
        optString(o, "type", optString(o, "origType", "")),
        decimal(o, "origQty"),
        decimal(o, "executedQty"),
        optDecimal(o, "avgPrice", BigDecimal.ZERO),
        optBool(o, "reduceOnly", false),
        optBool(o, "closePosition", false),
        optLong(o, "updateTime", optLong(o, "time", 0)));
  }

  public static Wire.AlgoOrder algoOrder(JsonElement e) {
    JsonObject o = Json.object(e, "algo order");
    return new Wire.AlgoOrder(
        longValue(o, "algoId"),
        string(o, "clientAlgoId"),
        optString(o, "algoType", "CONDITIONAL"),
        string(o, "orderType"),
        string(o, "symbol"),
        string(o, "side"),
        optString(o, "positionSide", "BOTH"),
        string(o, "algoStatus"),
        optDecimal(o, "triggerPrice", BigDecimal.ZERO),
        optDecimal(o, "quantity", BigDecimal.ZERO),
        optBool(o, "closePosition", false),
        optBool(o, "reduceOnly", false),
        optString(o, "workingType", ""),
        optBool(o, "priceProtect", false),
        optString(o, "actualOrderId", ""),
        optLong(o, "updateTime", optLong(o, "createTime", 0)));
  }

  public static Wire.Rows<Wire.AlgoOrder> algoOrders(JsonElement e) {
    return rows(e, "open algo orders", RestDecoder::algoOrder);
  }

  public static Wire.AlgoCancel algoCancel(JsonElement e) {
    JsonObject o = Json.object(e, "algo cancel answer");
    return new Wire.AlgoCancel(
        longValue(o, "algoId"),
        string(o, "clientAlgoId"),
        optString(o, "code", "200"),
        optString(o, "msg", ""));
  }

  public static Wire.Position position(JsonElement e) {
    JsonObject o = Json.object(e, "position");
    return new Wire.Position(
        string(o, "symbol"),
        optString(o, "positionSide", "BOTH"),
        decimal(o, "positionAmt"),
        decimal(o, "entryPrice"),
        decimal(o, "markPrice"),
        optLong(o, "updateTime", 0));
  }

  public static Wire.Rows<Wire.Position> positions(JsonElement e) {
    return rows(e, "position risk", RestDecoder::position);
  }

  public static Wire.UserTrade userTrade(JsonElement e) {
    JsonObject o = Json.object(e, "trade");
    return new Wire.UserTrade(
        string(o, "symbol"),
        longValue(o, "id"),
        longValue(o, "orderId"),
        string(o, "side"),
        optString(o, "positionSide", "BOTH"),
        decimal(o, "price"),
        decimal(o, "qty"),
        optDecimal(o, "realizedPnl", BigDecimal.ZERO),
        longValue(o, "time"));
  }

  public static Wire.Rows<Wire.UserTrade> userTrades(JsonElement e) {
    return rows(e, "user trades", RestDecoder::userTrade);
  }

  public static Wire.PremiumIndex premiumIndex(JsonElement e) {
    JsonObject o = Json.object(e, "premium index");
    return new Wire.PremiumIndex(
        string(o, "symbol"), decimal(o, "markPrice"), optLong(o, "time", 0));
  }

  public static Wire.ExchangeInfo exchangeInfo(JsonElement e) {
    JsonObject o = Json.object(e, "exchange info");
    List<Wire.RateLimit> limits = new ArrayList<>();
    if (has(o, "rateLimits")) {
      for (JsonElement l : Json.array(o.get("rateLimits"), "rateLimits")) {
        JsonObject lo = Json.object(l, "rate limit");
        limits.add(
            new Wire.RateLimit(
                string(lo, "rateLimitType"),
                string(lo, "interval"),
                (int) optLong(lo, "intervalNum", 1),
                longValue(lo, "limit")));
      }
    }
    List<Wire.SymbolRules> symbols = new ArrayList<>();
    Map<String, String> unreadable = new LinkedHashMap<>();
    JsonArray array = Json.array(o.get("symbols"), "symbols");
    for (int i = 0; i < array.size(); i++) {
      JsonElement s = array.get(i);
      String name = nameOf(s, "symbol", i);
      try {
        symbols.add(symbolRules(Json.object(s, "symbol")));
      } catch (WireFormatException ex) {
        unreadable.put(name, ex.getMessage());
      }
    }
    return new Wire.ExchangeInfo(symbols, unreadable, limits);
  }

  static Wire.SymbolRules symbolRules(JsonObject s) {
    JsonObject price = null;
    JsonObject lot = null;
    JsonObject marketLot = null;
    JsonObject notional = null;
    for (JsonElement f : Json.array(s.get("filters"), "filters")) {
      JsonObject fo = Json.object(f, "filter");
      switch (optString(fo, "filterType", "")) {
        case "PRICE_FILTER" -> price = fo;
        case "LOT_SIZE" -> lot = fo;
        case "MARKET_LOT_SIZE" -> marketLot = fo;
        case "MIN_NOTIONAL" -> notional = fo;
        default -> {
          // Other filters (PERCENT_PRICE, MAX_NUM_ORDERS, ...) do not constrain market orders.
        }
      }
    }
    if (price == null) {
      throw new WireFormatException("no PRICE_FILTER");
    }
    // MARKET orders are checked against MARKET_LOT_SIZE; a zero step there means "as LOT_SIZE".
    JsonObject qty = marketLot;
    if (qty == null || decimal(qty, "stepSize").signum() == 0) {
      qty = lot;
    }
    if (qty == null) {
      throw new WireFormatException("neither MARKET_LOT_SIZE nor LOT_SIZE");
    }
    return new Wire.SymbolRules(
        string(s, "symbol"),
        optString(s, "contractType", ""),
        string(s, "status"),
        decimal(price, "tickSize"),
        decimal(qty, "stepSize"),
        decimal(qty, "minQty"),
        decimal(qty, "maxQty"),
        // Futures call it "notional"; spot's "minNotional" would be a different product.
        notional == null ? BigDecimal.ZERO : decimal(notional, "notional"));
  }

  private static <T> Wire.Rows<T> rows(
      JsonElement e, String what, Function<JsonElement, T> reader) {
    JsonArray array = Json.array(e, what);
    List<T> rows = new ArrayList<>(array.size());
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      try {
        rows.add(reader.apply(array.get(i)));
      } catch (WireFormatException ex) {
        problems.add(
            what
                + " row "
                + i
                + " ("
                + nameOf(array.get(i), "symbol", i)
                + "): "
                + ex.getMessage());
      }
    }
    return new Wire.Rows<>(rows, problems);
  }

  private static String nameOf(JsonElement e, String field, int index) {
    if (e != null && e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      JsonElement v = o.get(field);
      if (v != null && v.isJsonPrimitive()) {
        return v.getAsString();
      }
    }
    return "#" + index;
  }

  /** Reads {@code code}/{@code msg} of an error body; absent when it is not one. */
  public static java.util.Optional<ErrorBody> errorBody(String text) {
    try {
      JsonElement e = Json.parse(text);
      if (!e.isJsonObject()) {
        return java.util.Optional.empty();
      }
      JsonObject o = e.getAsJsonObject();
      if (!has(o, "code")) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(
          new ErrorBody((int) longValue(o, "code"), optString(o, "msg", "")));
    } catch (WireFormatException ex) {
      return java.util.Optional.empty();
    }
  }

  /** Binance's error object {@code {"code":-2019,"msg":"Margin is insufficient."}}. */
  public record ErrorBody(int code, String msg) {}
}
