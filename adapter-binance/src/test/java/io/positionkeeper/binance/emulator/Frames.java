package io.positionkeeper.binance.emulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.math.BigDecimal;

/** Builds the venue's JSON payloads (REST objects and stream events) in Binance's field names. */
final class Frames {
  private Frames() {}

  static String plain(BigDecimal d) {
    return d.toPlainString();
  }

  static JsonObject order(EmulatedVenue.Order o) {
    JsonObject j = new JsonObject();
    j.addProperty("orderId", o.orderId);
    j.addProperty("symbol", o.symbol);
    j.addProperty("status", o.status);
    j.addProperty("clientOrderId", o.clientOrderId);
    j.addProperty("price", "0.00");
    j.addProperty("avgPrice", plain(o.avgPrice));
    j.addProperty("origQty", plain(o.origQty));
    j.addProperty("executedQty", plain(o.executedQty));
    j.addProperty("cumQuote", plain(o.avgPrice.multiply(o.executedQty)));
    j.addProperty("timeInForce", "GTC");
    j.addProperty("type", o.type);
    j.addProperty("reduceOnly", o.reduceOnly);
    j.addProperty("closePosition", o.closePosition);
    j.addProperty("side", o.side);
    j.addProperty("positionSide", "BOTH");
    j.addProperty("stopPrice", "0.00");
    j.addProperty("workingType", "CONTRACT_PRICE");
    j.addProperty("priceProtect", false);
    j.addProperty("origType", o.type);
    j.addProperty("priceMatch", "NONE");
    j.addProperty("selfTradePreventionMode", "EXPIRE_MAKER");
    j.addProperty("goodTillDate", 0);
    j.addProperty("time", o.time);
    j.addProperty("updateTime", o.updateTime);
    return j;
  }

  /** The ACK form of a new order: accepted, nothing executed yet (as the venue answers ACK). */
  static JsonObject orderAck(EmulatedVenue.Order o) {
    JsonObject j = order(o);
    j.addProperty("status", "NEW");
    j.addProperty("executedQty", "0");
    j.addProperty("cumQty", "0");
    j.addProperty("cumQuote", "0");
    j.addProperty("avgPrice", "0.00");
    return j;
  }

  static JsonObject algo(EmulatedVenue.Algo a, boolean withActual) {
    JsonObject j = new JsonObject();
    j.addProperty("algoId", a.algoId);
    j.addProperty("clientAlgoId", a.clientAlgoId);
    j.addProperty("algoType", "CONDITIONAL");
    j.addProperty("orderType", a.orderType);
    j.addProperty("symbol", a.symbol);
    j.addProperty("side", a.side);
    j.addProperty("positionSide", "BOTH");
    j.addProperty("timeInForce", "GTC");
    j.addProperty("quantity", a.quantity == null ? "0" : plain(a.quantity));
    j.addProperty("algoStatus", a.status);
    if (withActual) {
      j.addProperty("actualOrderId", a.actualOrderId);
      j.addProperty("actualPrice", plain(a.avgPrice));
    }
    j.addProperty("triggerPrice", plain(a.triggerPrice));
    j.addProperty("price", "0");
    j.add("icebergQuantity", com.google.gson.JsonNull.INSTANCE);
    j.addProperty("selfTradePreventionMode", "EXPIRE_MAKER");
    j.addProperty("workingType", a.workingType);
    j.addProperty("priceMatch", "NONE");
    j.addProperty("closePosition", a.closePosition);
    j.addProperty("priceProtect", a.priceProtect);
    j.addProperty("reduceOnly", a.reduceOnly);
    j.addProperty("activatePrice", a.callbackRate == null ? "" : plain(a.triggerPrice));
    j.addProperty("callbackRate", a.callbackRate == null ? "" : plain(a.callbackRate));
    j.addProperty("createTime", a.createTime);
    j.addProperty("updateTime", a.updateTime);
    j.addProperty("triggerTime", a.triggerTime);
    j.addProperty("goodTillDate", 0);
    return j;
  }

  static JsonObject position(String symbol, EmulatedVenue.Pos p, BigDecimal mark) {
    JsonObject j = new JsonObject();
    BigDecimal unrealized = mark.subtract(p.entry).multiply(p.amount);
    j.addProperty("symbol", symbol);
    j.addProperty("positionSide", "BOTH");
    j.addProperty("positionAmt", plain(p.amount));
    j.addProperty("entryPrice", plain(p.entry));
    j.addProperty("breakEvenPrice", plain(p.entry));
    j.addProperty("markPrice", plain(mark));
    j.addProperty("unRealizedProfit", plain(unrealized));
    j.addProperty("liquidationPrice", "0");
    j.addProperty("isolatedMargin", "0");
    j.addProperty("notional", plain(mark.multiply(p.amount)));
    j.addProperty("marginAsset", "USDT");
    j.addProperty("isolatedWallet", "0");
    j.addProperty("initialMargin", "0");
    j.addProperty("maintMargin", "0");
    j.addProperty("positionInitialMargin", "0");
    j.addProperty("openOrderInitialMargin", "0");
    j.addProperty("adl", 0);
    j.addProperty("bidNotional", "0");
    j.addProperty("askNotional", "0");
    j.addProperty("updateTime", p.updateTime);
    return j;
  }

  static JsonObject trade(EmulatedVenue.Trade t) {
    JsonObject j = new JsonObject();
    j.addProperty("buyer", t.side.equals("BUY"));
    j.addProperty("commission", "0");
    j.addProperty("commissionAsset", "USDT");
    j.addProperty("id", t.id);
    j.addProperty("maker", false);
    j.addProperty("orderId", t.orderId);
    j.addProperty("price", plain(t.price));
    j.addProperty("qty", plain(t.qty));
    j.addProperty("quoteQty", plain(t.price.multiply(t.qty)));
    j.addProperty("realizedPnl", plain(t.realizedPnl));
    j.addProperty("side", t.side);
    j.addProperty("positionSide", "BOTH");
    j.addProperty("symbol", t.symbol);
    j.addProperty("time", t.time);
    return j;
  }

  static JsonObject symbolInfo(EmulatedVenue.Instrument i) {
    JsonObject j = new JsonObject();
    j.addProperty("symbol", i.symbol());
    j.addProperty("pair", i.symbol());
    j.addProperty("contractType", i.contractType());
    j.addProperty("status", i.status());
    j.addProperty("baseAsset", i.symbol().replace("USDT", ""));
    j.addProperty("quoteAsset", "USDT");
    j.addProperty("marginAsset", "USDT");
    j.addProperty("pricePrecision", i.tickSize().stripTrailingZeros().scale());
    j.addProperty("quantityPrecision", i.stepSize().stripTrailingZeros().scale());
    j.addProperty("triggerProtect", plain(EmulatedVenue.Instrument.TRIGGER_PROTECT));
    JsonArray filters = new JsonArray();
    JsonObject price = new JsonObject();
    price.addProperty("minPrice", "0.01");
    price.addProperty("maxPrice", "10000000");
    price.addProperty("filterType", "PRICE_FILTER");
    price.addProperty("tickSize", plain(i.tickSize()));
    filters.add(price);
    for (String type : new String[] {"LOT_SIZE", "MARKET_LOT_SIZE"}) {
      JsonObject lot = new JsonObject();
      lot.addProperty("stepSize", plain(i.stepSize()));
      lot.addProperty("filterType", type);
      lot.addProperty("maxQty", plain(i.maxQty()));
      lot.addProperty("minQty", plain(i.minQty()));
      filters.add(lot);
    }
    JsonObject maxOrders = new JsonObject();
    maxOrders.addProperty("limit", 200);
    maxOrders.addProperty("filterType", "MAX_NUM_ORDERS");
    filters.add(maxOrders);
    JsonObject notional = new JsonObject();
    notional.addProperty("notional", plain(i.minNotional()));
    notional.addProperty("filterType", "MIN_NOTIONAL");
    filters.add(notional);
    j.add("filters", filters);
    JsonArray types = new JsonArray();
    types.add("LIMIT");
    types.add("MARKET");
    j.add("orderTypes", types);
    return j;
  }

  static JsonObject rateLimit(String type, String interval, int num, long limit) {
    JsonObject j = new JsonObject();
    j.addProperty("rateLimitType", type);
    j.addProperty("interval", interval);
    j.addProperty("intervalNum", num);
    j.addProperty("limit", limit);
    return j;
  }

  // ------------------------------------------------------------------ stream events

  static String orderTradeUpdate(
      EmulatedVenue.Order o,
      String execType,
      String status,
      BigDecimal lastQty,
      BigDecimal lastPrice,
      BigDecimal cumQty,
      BigDecimal avgPrice,
      long tradeId,
      BigDecimal realized,
      long time) {
    JsonObject e = new JsonObject();
    e.addProperty("e", "ORDER_TRADE_UPDATE");
    e.addProperty("T", time);
    e.addProperty("E", time + 1);
    JsonObject x = new JsonObject();
    x.addProperty("s", o.symbol);
    x.addProperty("c", o.clientOrderId);
    x.addProperty("S", o.side);
    x.addProperty("o", o.type);
    x.addProperty("f", "GTC");
    x.addProperty("q", plain(o.origQty));
    x.addProperty("p", "0");
    x.addProperty("ap", plain(avgPrice));
    x.addProperty("sp", "0");
    x.addProperty("x", execType);
    x.addProperty("X", status);
    x.addProperty("i", o.orderId);
    x.addProperty("l", plain(lastQty));
    x.addProperty("z", plain(cumQty));
    x.addProperty("L", plain(lastPrice));
    x.addProperty("N", "USDT");
    x.addProperty("n", "0");
    x.addProperty("T", time);
    x.addProperty("t", tradeId);
    x.addProperty("b", "0");
    x.addProperty("a", "0");
    x.addProperty("m", false);
    x.addProperty("R", o.reduceOnly);
    x.addProperty("wt", "CONTRACT_PRICE");
    x.addProperty("ot", o.type);
    x.addProperty("ps", "BOTH");
    x.addProperty("cp", o.closePosition);
    x.addProperty("rp", plain(realized));
    x.addProperty("pP", false);
    x.addProperty("si", 0);
    x.addProperty("ss", 0);
    x.addProperty("V", "EXPIRE_MAKER");
    x.addProperty("pm", "NONE");
    x.addProperty("gtd", 0);
    x.addProperty("er", "0");
    e.add("o", x);
    return e.toString();
  }

  static String tradeLite(
      EmulatedVenue.Order o, BigDecimal qty, BigDecimal price, long tradeId, long time) {
    JsonObject e = new JsonObject();
    e.addProperty("e", "TRADE_LITE");
    e.addProperty("E", time + 1);
    e.addProperty("T", time);
    e.addProperty("s", o.symbol);
    e.addProperty("q", plain(o.origQty));
    e.addProperty("p", "0.00");
    e.addProperty("m", false);
    e.addProperty("c", o.clientOrderId);
    e.addProperty("S", o.side);
    e.addProperty("L", plain(price));
    e.addProperty("l", plain(qty));
    e.addProperty("t", tradeId);
    e.addProperty("i", o.orderId);
    return e.toString();
  }

  static String accountUpdate(String reason, String symbol, EmulatedVenue.Pos p, long time) {
    JsonObject e = new JsonObject();
    e.addProperty("e", "ACCOUNT_UPDATE");
    e.addProperty("T", time);
    e.addProperty("E", time + 1);
    JsonObject a = new JsonObject();
    a.addProperty("m", reason);
    JsonArray balances = new JsonArray();
    JsonObject b = new JsonObject();
    b.addProperty("a", "USDT");
    b.addProperty("wb", "100000.00000000");
    b.addProperty("cw", "100000.00000000");
    b.addProperty("bc", "0");
    balances.add(b);
    a.add("B", balances);
    JsonArray positions = new JsonArray();
    JsonObject row = new JsonObject();
    row.addProperty("s", symbol);
    row.addProperty("pa", plain(p.amount));
    row.addProperty("ep", plain(p.entry));
    row.addProperty("bep", plain(p.entry));
    row.addProperty("cr", "0");
    row.addProperty("up", "0");
    row.addProperty("mt", "cross");
    row.addProperty("iw", "0");
    row.addProperty("ps", "BOTH");
    positions.add(row);
    a.add("P", positions);
    e.add("a", a);
    return e.toString();
  }

  static String algoUpdate(EmulatedVenue.Algo a, long time) {
    JsonObject e = new JsonObject();
    e.addProperty("e", "ALGO_UPDATE");
    e.addProperty("T", time);
    e.addProperty("E", time + 1);
    JsonObject o = new JsonObject();
    o.addProperty("caid", a.clientAlgoId);
    o.addProperty("aid", a.algoId);
    o.addProperty("at", "CONDITIONAL");
    o.addProperty("o", a.orderType);
    o.addProperty("s", a.symbol);
    o.addProperty("S", a.side);
    o.addProperty("ps", "BOTH");
    o.addProperty("f", "GTC");
    o.addProperty("q", a.quantity == null ? "0" : plain(a.quantity));
    o.addProperty("X", a.status);
    o.addProperty("ai", a.actualOrderId);
    if (!a.status.equals("TRIGGERING") && !a.status.equals("NEW")) {
      // As captured live: TRIGGERING frames carry no ap/aq/act yet.
      o.addProperty("ap", plain(a.avgPrice));
      o.addProperty("aq", plain(a.executedQty));
      o.addProperty("act", a.actualOrderId.isEmpty() ? "0" : "MARKET");
    }
    o.addProperty("tp", plain(a.triggerPrice));
    o.addProperty("p", "0");
    o.addProperty("V", "EXPIRE_MAKER");
    o.addProperty("wt", a.workingType);
    o.addProperty("pm", "NONE");
    o.addProperty("cp", a.closePosition);
    o.addProperty("pP", a.priceProtect);
    o.addProperty("R", a.reduceOnly);
    o.addProperty("tt", a.triggerTime);
    o.addProperty("gtd", 0);
    if (!a.rejectReason.isEmpty()) {
      o.addProperty("rm", a.rejectReason);
    }
    e.add("o", o);
    return e.toString();
  }

  /**
   * A {@code <symbol>@markPrice[@1s]} payload: the fields of Binance's "Mark Price Stream" (e, E,
   * s, p, ap, P, i, r, T, st), in the order of a live capture; public, on the {@code /market}
   * route, no key. Index and settle price equal the mark here (inferred: tests set only the mark).
   */
  static String markPriceUpdate(String symbol, BigDecimal mark, long time) {
    JsonObject e = new JsonObject();
    e.addProperty("e", "markPriceUpdate");
    e.addProperty("E", time);
    e.addProperty("s", symbol);
    e.addProperty("p", plain(mark));
    e.addProperty("ap", plain(mark));
    e.addProperty("P", plain(mark));
    e.addProperty("i", plain(mark));
    e.addProperty("r", "0.00010000");
    e.addProperty("T", (time / 28_800_000 + 1) * 28_800_000);
    e.addProperty("st", 1);
    return e.toString();
  }

  static String listenKeyExpired(String listenKey, long time) {
    JsonObject e = new JsonObject();
    e.addProperty("e", "listenKeyExpired");
    // The docs show E as a string here.
    e.addProperty("E", Long.toString(time));
    e.addProperty("listenKey", listenKey);
    return e.toString();
  }
}
