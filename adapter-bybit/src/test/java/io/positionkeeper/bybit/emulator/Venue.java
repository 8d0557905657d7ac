package io.positionkeeper.bybit.emulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The state and rules of the emulated Bybit v5 linear account (one-way mode). Each rule names its
 * source: "B3"/"B4"/"B5"/"B7" are the sections of the project's Bybit wire reference, which cites
 * the venue's own documentation; "inferred" says from what. A refusal whose message starts with
 * "emulator:" is the emulator's scope (what it does not emulate), not a venue rule. Thread-safe by
 * one lock.
 */
final class Venue {
  private static final Pattern LINK_ID = Pattern.compile("[A-Za-z0-9_-]{1,36}");

  record Instrument(
      String symbol,
      BigDecimal tick,
      BigDecimal step,
      BigDecimal minQty,
      BigDecimal maxQty,
      BigDecimal maxMktQty,
      BigDecimal minNotional) {}

  static final class Position {
    BigDecimal size = BigDecimal.ZERO; // signed
    BigDecimal entry = BigDecimal.ZERO;
    BigDecimal stopLoss = BigDecimal.ZERO;
    String leverage = "10"; // inferred: the ws_position fixture shows "10" on a flat position
    long openTime;
    long updated;
    long seq;
  }

  static final class Order {
    String orderId = UUID.randomUUID().toString();
    String linkId = "";
    String symbol;
    String side;
    String status;
    BigDecimal qty;
    BigDecimal cumQty = BigDecimal.ZERO;
    BigDecimal avgPrice = BigDecimal.ZERO;
    BigDecimal triggerPrice = BigDecimal.ZERO;
    boolean reduceOnly;
    String stopOrderType = "";
    String createType = "CreateByUser";
    long created;
    long updated;

    boolean isOpen() {
      return "New".equals(status)
          || "PartiallyFilled".equals(status)
          || "Untriggered".equals(status);
    }
  }

  record Exec(
      String symbol,
      String orderId,
      String linkId,
      String side,
      String execType,
      BigDecimal price,
      BigDecimal qty,
      BigDecimal closedSize,
      BigDecimal pnl,
      BigDecimal markPrice,
      long time,
      String execId,
      String stopOrderType) {}

  final Map<String, Instrument> instruments = new LinkedHashMap<>();
  final Map<String, BigDecimal> marks = new LinkedHashMap<>();
  final Map<String, Position> positions = new LinkedHashMap<>();
  final List<Order> orders = new ArrayList<>();
  final List<Exec> execs = new ArrayList<>();
  private final Set<String> linkIdsSeen = new HashSet<>();
  private final LongSupplier clock;
  private final Consumer<JsonObject> privatePush;
  private long seq = 8_000_000_000L;

  Venue(LongSupplier clock, Consumer<JsonObject> privatePush) {
    this.clock = clock;
    this.privatePush = privatePush;
  }

  synchronized void addInstrument(Instrument i) {
    instruments.put(i.symbol(), i);
  }

  Position position(String symbol) {
    return positions.computeIfAbsent(symbol, s -> new Position());
  }

  Instrument instrument(String symbol) {
    Instrument i = instruments.get(symbol);
    if (i == null) {
      // Inferred from the error table (B3, 10001 "request parameter error").
      throw new VenueError(10001, "params error: symbol invalid");
    }
    return i;
  }

  BigDecimal mark(String symbol) {
    BigDecimal m = marks.get(symbol);
    if (m == null) {
      throw new VenueError(10001, "emulator: no mark price set for " + symbol); // test setup
    }
    return m;
  }

  /** POST /v5/order/create (B4), market orders only; fills at once at the mark (inferred). */
  synchronized JsonObject create(JsonObject body) {
    requireLinear(body);
    String symbol = str(body, "symbol");
    Instrument inst = instrument(symbol);
    String side = str(body, "side");
    if (!side.equals("Buy") && !side.equals("Sell")) {
      throw new VenueError(10001, "params error: side invalid"); // B7.2: mixed case Buy/Sell
    }
    if (!"Market".equals(str(body, "orderType"))) {
      throw new VenueError(10001, "emulator: only Market orders are emulated");
    }
    if (body.has("positionIdx") && body.get("positionIdx").getAsInt() != 0) {
      // B3 10001: position-mode mismatch; the account is one-way (positionIdx 0).
      throw new VenueError(10001, "position idx not match position mode");
    }
    String linkId = body.has("orderLinkId") ? body.get("orderLinkId").getAsString() : "";
    if (!linkId.isEmpty() && !LINK_ID.matcher(linkId).matches()) {
      // B4: orderLinkId is at most 36 characters; the character set is inferred from the docs'
      // "numbers, letters, dashes and underscores".
      throw new VenueError(10001, "params error: orderLinkId invalid");
    }
    if (!linkId.isEmpty() && linkIdsSeen.contains(linkId)) {
      // B4 "orderLinkId (<= 36 chars, unique)" and B3 110072: unique for good, not only among
      // open orders, so a filled order's id is refused too.
      throw new VenueError(110072, "OrderLinkedID is duplicate");
    }
    BigDecimal qty = decimal(body, "qty");
    checkQuantity(inst, qty);
    boolean reduceOnly = body.has("reduceOnly") && body.get("reduceOnly").getAsBoolean();
    BigDecimal mark = mark(symbol);
    Position p = position(symbol);
    int dir = side.equals("Buy") ? 1 : -1;
    if (reduceOnly) {
      if (p.size.signum() == 0 || p.size.signum() == dir) {
        // B3 110017 "orderQty will be truncated to zero": nothing to reduce.
        throw new VenueError(110017, "orderQty will be truncated to zero");
      }
      qty = qty.min(p.size.abs()); // inferred: reduce-only never flips a position
    } else if (qty.multiply(mark).compareTo(inst.minNotional()) < 0) {
      throw new VenueError(110094, "Order does not meet minimum order value"); // B3 110094
    }
    if (!linkId.isEmpty()) {
      linkIdsSeen.add(linkId);
    }
    Order o = new Order();
    o.linkId = linkId;
    o.symbol = symbol;
    o.side = side;
    o.qty = qty;
    o.reduceOnly = reduceOnly;
    o.created = now();
    fill(o, mark, "");
    JsonObject result = new JsonObject();
    result.addProperty("orderId", o.orderId);
    result.addProperty("orderLinkId", o.linkId);
    return result;
  }

  private void checkQuantity(Instrument inst, BigDecimal qty) {
    if (qty.signum() <= 0 || qty.remainder(inst.step()).signum() != 0) {
      throw new VenueError(10001, "Qty invalid: not a multiple of qtyStep " + inst.step()); // B4
    }
    if (qty.compareTo(inst.minQty()) < 0) {
      throw new VenueError(10001, "The number of contracts is below the minimum"); // B4 minOrderQty
    }
    if (qty.compareTo(inst.maxMktQty()) > 0) {
      // B4: market orders are bound by maxMktOrderQty, smaller than maxOrderQty.
      throw new VenueError(10001, "The quantity of a single market order exceeds maxMktOrderQty");
    }
  }

  /** Executes an order at {@code price} in full and moves the position (one-way netting). */
  private void fill(Order o, BigDecimal price, String stopOrderType) {
    Position p = position(o.symbol);
    int dir = o.side.equals("Buy") ? 1 : -1;
    BigDecimal signedQty = o.qty.multiply(BigDecimal.valueOf(dir));
    BigDecimal closed = BigDecimal.ZERO;
    BigDecimal pnl = BigDecimal.ZERO;
    long t = now();
    if (p.size.signum() != 0 && p.size.signum() != dir) {
      closed = o.qty.min(p.size.abs());
      pnl = price.subtract(p.entry).multiply(closed).multiply(BigDecimal.valueOf(p.size.signum()));
    }
    BigDecimal after = p.size.add(signedQty);
    if (p.size.signum() == 0 || (after.signum() != 0 && after.signum() != p.size.signum())) {
      p.entry = price;
      p.openTime = t;
    } else if (p.size.signum() == dir) {
      p.entry =
          p.entry
              .multiply(p.size.abs())
              .add(price.multiply(o.qty))
              .divide(after.abs(), MathContext.DECIMAL64)
              .stripTrailingZeros();
    }
    p.size = after;
    if (after.signum() == 0) {
      p.entry = BigDecimal.ZERO;
      p.openTime = 0;
      clearStop(o.symbol, p); // inferred: a position's TP/SL ends with the position
    }
    p.updated = t;
    p.seq = ++seq;
    o.status = "Filled";
    o.cumQty = o.qty;
    o.avgPrice = price;
    o.updated = t;
    orders.add(o);
    Exec e =
        new Exec(
            o.symbol,
            o.orderId,
            o.linkId,
            o.side,
            "Trade",
            price,
            o.qty,
            closed,
            pnl,
            mark(o.symbol),
            t,
            UUID.randomUUID().toString(),
            stopOrderType);
    execs.add(e);
    // Inferred: B5 lists the topics, not their order across topics; the order's row and its
    // execution come before the position's, as Binance's captured sequences put the order's fill
    // before the account's position.
    push("order", orderRow(o));
    push("execution", execRow(e));
    push("position", positionRow(o.symbol, "entryPrice"));
  }

  /** POST /v5/position/trading-stop (B4, B6), Full mode, stop-loss by mark price. */
  synchronized void tradingStop(JsonObject body) {
    requireLinear(body);
    String symbol = str(body, "symbol");
    Instrument inst = instrument(symbol);
    if (!body.has("tpslMode") || !body.has("positionIdx")) {
      throw new VenueError(10001, "params error: tpslMode and positionIdx are required"); // B4
    }
    if (!"Full".equals(str(body, "tpslMode"))) {
      throw new VenueError(10001, "emulator: only tpslMode Full is emulated");
    }
    if (body.get("positionIdx").getAsInt() != 0) {
      throw new VenueError(10001, "position idx not match position mode"); // B3 10001
    }
    if (body.has("slTriggerBy") && !"MarkPrice".equals(str(body, "slTriggerBy"))) {
      throw new VenueError(10001, "emulator: stops trigger on MarkPrice only");
    }
    Position p = position(symbol);
    if (p.size.signum() == 0) {
      // Inferred: trading-stop sets values on a position, and a flat one has none to set.
      throw new VenueError(10001, "can not set tp/sl/ts for zero position");
    }
    BigDecimal sl = decimal(body, "stopLoss");
    if (sl.compareTo(p.stopLoss) == 0) {
      throw new VenueError(34040, "not modified"); // B4: the same value again is 34040
    }
    if (sl.signum() == 0) {
      clearStop(symbol, p); // B4: "0" cancels it
    } else {
      if (sl.remainder(inst.tick()).signum() != 0) {
        throw new VenueError(10001, "StopLoss price is not a multiple of tickSize"); // inferred
      }
      BigDecimal mark = mark(symbol);
      boolean wouldTrigger =
          p.size.signum() > 0 ? sl.compareTo(mark) >= 0 : sl.compareTo(mark) <= 0;
      if (wouldTrigger) {
        // Inferred from B3 110092/110093 (trigger vs current price) for conditional orders; the
        // live message for positions is "StopLoss ... should lower than base_price".
        throw new VenueError(
            10001,
            "StopLoss:"
                + sl.toPlainString()
                + " set for "
                + (p.size.signum() > 0
                    ? "Buy position should lower"
                    : "Sell position should higher")
                + " than base_price:"
                + mark.toPlainString());
      }
      setStop(symbol, p, sl);
    }
    p.updated = now();
    p.seq = ++seq;
    push("position", positionRow(symbol, "entryPrice")); // B5: pushed on every amend
  }

  /**
   * The stop shows as an untriggered conditional order ({@code stopOrderType StopLoss}, B4, fixture
   * ws_order_linear_untriggered_stoploss_synthetic) moved in place, keeping its order id (inferred
   * from "moves in place").
   */
  private void setStop(String symbol, Position p, BigDecimal sl) {
    p.stopLoss = sl;
    Order stop = stopOrder(symbol);
    if (stop == null) {
      stop = new Order();
      stop.symbol = symbol;
      stop.side = p.size.signum() > 0 ? "Sell" : "Buy";
      stop.qty = BigDecimal.ZERO;
      stop.reduceOnly = true;
      stop.stopOrderType = "StopLoss";
      stop.createType = "CreateByStopLoss";
      stop.status = "Untriggered";
      stop.created = now();
      orders.add(stop);
    }
    stop.triggerPrice = sl;
    stop.updated = now();
    push("order", orderRow(stop));
  }

  private void clearStop(String symbol, Position p) {
    p.stopLoss = BigDecimal.ZERO;
    Order stop = stopOrder(symbol);
    if (stop != null) {
      stop.status = "Deactivated"; // B4 orderStatus list; inferred for a removed position stop
      stop.updated = now();
      push("order", orderRow(stop));
    }
  }

  private Order stopOrder(String symbol) {
    for (Order o : orders) {
      if (o.symbol.equals(symbol) && "StopLoss".equals(o.stopOrderType) && o.isOpen()) {
        return o;
      }
    }
    return null;
  }

  /** A new mark price: the stop triggers when the mark crosses it (B6, slTriggerBy MarkPrice). */
  synchronized void setMark(String symbol, BigDecimal mark) {
    marks.put(symbol, mark);
    Position p = positions.get(symbol);
    if (p == null || p.size.signum() == 0 || p.stopLoss.signum() == 0) {
      return;
    }
    boolean crossed =
        p.size.signum() > 0 ? mark.compareTo(p.stopLoss) <= 0 : mark.compareTo(p.stopLoss) >= 0;
    if (!crossed) {
      return;
    }
    Order stop = stopOrder(symbol);
    // B4: Triggered is transient; the stop then fills as a reduce-only market order of the whole
    // position under the same orderId (inferred from closeOnTrigger and "TP/SL ... Full").
    stop.status = "Triggered";
    stop.updated = now();
    push("order", orderRow(stop));
    orders.remove(stop);
    stop.qty = p.size.abs();
    stop.reduceOnly = true;
    p.stopLoss = BigDecimal.ZERO;
    fill(stop, mark, "StopLoss");
  }

  /** Closes the position outside the adapter (by hand on the website), at the mark. */
  synchronized void closeByHand(String symbol) {
    Position p = position(symbol);
    if (p.size.signum() == 0) {
      return;
    }
    Order o = new Order();
    o.symbol = symbol;
    o.side = p.size.signum() > 0 ? "Sell" : "Buy";
    o.qty = p.size.abs();
    o.reduceOnly = true;
    o.created = now();
    fill(o, mark(symbol), "");
  }

  /**
   * Opens a position outside the adapter (a market order by hand on the website, without a link
   * id), filled at the mark; inferred: a website order is a create like any other (B4).
   */
  synchronized void openByHand(String symbol, BigDecimal signedQty) {
    Order o = new Order();
    o.symbol = symbol;
    o.side = signedQty.signum() > 0 ? "Buy" : "Sell";
    o.qty = signedQty.abs();
    o.created = now();
    fill(o, mark(symbol), "");
  }

  /**
   * Removes the position's stop-loss outside the adapter (cleared by hand on the website): the same
   * as a trading-stop with stopLoss "0" (B4: "0" cancels it), inferred for the website.
   */
  synchronized void clearStopByHand(String symbol) {
    Position p = position(symbol);
    if (p.stopLoss.signum() == 0) {
      return;
    }
    clearStop(symbol, p);
    p.updated = now();
    p.seq = ++seq;
    push("position", positionRow(symbol, "entryPrice")); // B5: pushed on every amend
  }

  synchronized void cancel(JsonObject body) {
    requireLinear(body);
    String symbol = str(body, "symbol");
    String linkId = body.has("orderLinkId") ? str(body, "orderLinkId") : "";
    for (int i = orders.size() - 1; i >= 0; i--) {
      Order o = orders.get(i);
      if (o.symbol.equals(symbol) && !linkId.isEmpty() && o.linkId.equals(linkId)) {
        if (!o.isOpen()) {
          throw new VenueError(110008, "Order has been completed or cancelled"); // B3
        }
        o.status = "Cancelled";
        o.updated = now();
        push("order", orderRow(o));
        return;
      }
    }
    throw new VenueError(110001, "Order does not exist"); // B3
  }

  synchronized void setLeverage(JsonObject body) {
    requireLinear(body);
    String symbol = str(body, "symbol");
    instrument(symbol);
    String buy = str(body, "buyLeverage");
    if (!buy.equals(str(body, "sellLeverage"))) {
      throw new VenueError(10001, "buy leverage must equal sell leverage in one-way mode"); // B4
    }
    Position p = position(symbol);
    if (p.leverage.equals(buy)) {
      throw new VenueError(110043, "Set leverage has not been modified."); // B3
    }
    p.leverage = buy;
  }

  /** /v5/order/realtime lists open orders, /history closed ones (B4), newest first. */
  synchronized JsonArray orders(String symbol, String linkId, boolean open) {
    JsonArray list = new JsonArray();
    for (int i = orders.size() - 1; i >= 0; i--) {
      Order o = orders.get(i);
      if (o.symbol.equals(symbol)
          && o.isOpen() == open
          && (linkId == null || o.linkId.equals(linkId))) {
        list.add(orderRow(o));
      }
    }
    return list;
  }

  synchronized JsonArray positionRows(String symbol, String settleCoin) {
    JsonArray list = new JsonArray();
    if (symbol != null) {
      instrument(symbol);
      list.add(positionRow(symbol, "avgPrice")); // B4: with a symbol, flat rows too
      return list;
    }
    for (String s : instruments.keySet()) {
      // B4: with only settleCoin, size > 0 only. Every emulated instrument settles in USDT.
      if ("USDT".equals(settleCoin) && position(s).size.signum() != 0) {
        list.add(positionRow(s, "avgPrice"));
      }
    }
    return list;
  }

  synchronized List<JsonObject> execRows(String symbol, long startTime) {
    List<JsonObject> rows = new ArrayList<>();
    for (int i = execs.size() - 1; i >= 0; i--) {
      Exec e = execs.get(i);
      if (e.symbol().equals(symbol) && e.time() >= startTime) {
        rows.add(execRow(e));
      }
    }
    return rows;
  }

  JsonObject orderRow(Order o) {
    JsonObject r = new JsonObject();
    r.addProperty("category", "linear");
    r.addProperty("symbol", o.symbol);
    r.addProperty("orderId", o.orderId);
    r.addProperty("orderLinkId", o.linkId);
    r.addProperty("side", o.side);
    r.addProperty("orderType", "Market");
    r.addProperty("price", "0");
    r.addProperty("qty", o.qty.toPlainString());
    r.addProperty("positionIdx", 0);
    r.addProperty("orderStatus", o.status);
    r.addProperty("createType", o.createType);
    r.addProperty("cancelType", "UNKNOWN");
    r.addProperty("rejectReason", "EC_NoError");
    // B4: avgPrice is "" or "0" before a fill.
    r.addProperty("avgPrice", o.cumQty.signum() == 0 ? "" : o.avgPrice.toPlainString());
    r.addProperty("leavesQty", o.qty.subtract(o.cumQty).toPlainString());
    r.addProperty("cumExecQty", o.cumQty.toPlainString());
    r.addProperty("cumExecValue", o.cumQty.multiply(o.avgPrice).toPlainString());
    r.addProperty("timeInForce", "IOC");
    r.addProperty("stopOrderType", o.stopOrderType);
    r.addProperty("triggerPrice", o.triggerPrice.toPlainString());
    r.addProperty("stopLoss", "0");
    r.addProperty("takeProfit", "0");
    r.addProperty("tpslMode", "StopLoss".equals(o.stopOrderType) ? "Full" : "");
    r.addProperty("triggerBy", "StopLoss".equals(o.stopOrderType) ? "MarkPrice" : "");
    r.addProperty("reduceOnly", o.reduceOnly);
    r.addProperty("closeOnTrigger", "StopLoss".equals(o.stopOrderType));
    r.addProperty("createdTime", Long.toString(o.created));
    r.addProperty("updatedTime", Long.toString(o.updated));
    return r;
  }

  JsonObject positionRow(String symbol, String entryField) {
    Position p = position(symbol);
    JsonObject r = new JsonObject();
    r.addProperty("positionIdx", 0);
    r.addProperty("riskId", 1);
    r.addProperty("symbol", symbol);
    // B7.2: side "" and size "0" when flat; size is always positive.
    r.addProperty("side", p.size.signum() == 0 ? "" : p.size.signum() > 0 ? "Buy" : "Sell");
    r.addProperty("size", p.size.abs().toPlainString());
    r.addProperty(entryField, p.entry.toPlainString()); // B7.3: REST avgPrice, WS entryPrice
    r.addProperty("leverage", p.leverage);
    BigDecimal mark = marks.get(symbol);
    r.addProperty("markPrice", mark == null ? "" : mark.toPlainString());
    r.addProperty("liqPrice", ""); // B7.5: empty numeric strings occur
    r.addProperty("takeProfit", "0");
    r.addProperty("stopLoss", p.stopLoss.toPlainString());
    r.addProperty("trailingStop", "0");
    r.addProperty("tpslMode", "Full");
    r.addProperty("positionStatus", "Normal");
    r.addProperty("createdTime", Long.toString(p.openTime));
    r.addProperty("updatedTime", Long.toString(p.updated));
    r.addProperty("openTime", p.openTime); // B4: a number, since 2026-04-21
    r.addProperty("seq", p.seq);
    r.addProperty("isReduceOnly", false);
    r.addProperty("category", "linear");
    return r;
  }

  JsonObject execRow(Exec e) {
    JsonObject r = new JsonObject();
    r.addProperty("category", "linear");
    r.addProperty("symbol", e.symbol());
    r.addProperty("orderId", e.orderId());
    r.addProperty("orderLinkId", e.linkId());
    r.addProperty("side", e.side());
    r.addProperty("orderPrice", "0");
    r.addProperty("orderQty", e.qty().toPlainString());
    r.addProperty("leavesQty", "0");
    r.addProperty("createType", e.stopOrderType().isEmpty() ? "CreateByUser" : "CreateByStopLoss");
    r.addProperty("orderType", "Market");
    r.addProperty("stopOrderType", e.stopOrderType());
    r.addProperty("execFee", "0");
    r.addProperty("execId", e.execId());
    r.addProperty("execPrice", e.price().toPlainString());
    r.addProperty("execQty", e.qty().toPlainString());
    r.addProperty("execPnl", e.pnl().toPlainString());
    r.addProperty("execType", e.execType());
    r.addProperty("execValue", e.price().multiply(e.qty()).toPlainString());
    r.addProperty("execTime", Long.toString(e.time()));
    r.addProperty("isMaker", false);
    r.addProperty("feeRate", "0");
    r.addProperty("markPrice", e.markPrice().toPlainString());
    r.addProperty("closedSize", e.closedSize().toPlainString());
    r.addProperty("seq", seq);
    return r;
  }

  /** A private message: {@code {id, topic, creationTime, data:[…]}} (B5). */
  private void push(String topic, JsonObject row) {
    JsonObject m = new JsonObject();
    m.addProperty("id", UUID.randomUUID().toString());
    m.addProperty("topic", topic);
    m.addProperty("creationTime", now());
    JsonArray data = new JsonArray();
    data.add(row);
    m.add("data", data);
    privatePush.accept(m);
  }

  private long now() {
    return clock.getAsLong();
  }

  // Inferred from B3's 10001 "request parameter error" for a missing or malformed parameter.
  private static void requireLinear(JsonObject body) {
    if (!"linear".equals(str(body, "category"))) {
      throw new VenueError(10001, "emulator: category must be linear");
    }
  }

  static String str(JsonObject o, String field) {
    if (!o.has(field) || o.get(field).isJsonNull()) {
      throw new VenueError(10001, "params error: " + field + " is required");
    }
    return o.get(field).getAsString();
  }

  private static BigDecimal decimal(JsonObject o, String field) {
    String s = str(o, field);
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      throw new VenueError(10001, "params error: " + field + " invalid");
    }
  }
}
