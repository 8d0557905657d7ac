package io.positionkeeper.binance.emulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The matching and account side of the emulated venue, with where each rule comes from. "Docs" is
 * Binance's USDⓈ-M documentation as the official connectors carry it (the reference page of this
 * project quotes it); "inferred" says from what.
 *
 * <ul>
 *   <li>Market orders fill whole at the mark price at once: inferred, a simplification (the venue
 *       fills against the book; the port only needs a fill, a price and the events).
 *   <li>Order checks: -4120 for conditional types on {@code /order} (change log 2025-11-06), -1111
 *       precision, -4164 min notional unless reduce-only, -2022 reduce-only with nothing to reduce
 *       (error-code list and live captures); -4003/-4005 quantity bounds (error-code list).
 *   <li>Client ids unique among open orders only, for {@code newClientOrderId} and {@code
 *       clientAlgoId} (docs: "A unique id among open orders"); the newest order answers a query by
 *       a reused id (inferred).
 *   <li>A reduce-only order larger than the position fills the position and expires the rest
 *       (inferred from reduce-only semantics).
 *   <li>Algo orders: parameters and combinations from the algo order parameter table;
 *       STOP_MARKET/TAKE_PROFIT_MARKET trigger directions and the {@code workingType} price from
 *       the algo order docs; -2021 when the order would trigger at once (docs); priceProtect holds
 *       a trigger while mark and contract price differ by more than triggerProtect (docs; that the
 *       order then waits is inferred); trailing orders are accepted but their callback is not
 *       emulated (they never trigger).
 *   <li>At most {@link #MAX_OPEN_ALGO_ORDERS} open algo orders across all symbols (change log
 *       2025-12-29); one more is refused with -4045 "Reach max stop order limit." (error-code list,
 *       MAX_STOP_ORDER_EXCEEDED), before any effect.
 *   <li>The trigger's event sequence ALGO_UPDATE TRIGGERING, TRIGGERED, ORDER_TRADE_UPDATE NEW,
 *       TRADE_LITE, ORDER_TRADE_UPDATE TRADE, ACCOUNT_UPDATE, ALGO_UPDATE FINISHED: the live
 *       captures of December 2025; the triggered order carrying the algo's client id is inferred
 *       from nautilus_trader's handler.
 *   <li>Close-position stops survive a position closed another way (docs: only GTE_GTC orders are
 *       expired "when the position is closed").
 *   <li>Cancel of an order that is not open: -2011; query of an unknown one: -2013 (error-code
 *       list, live text "Unknown order sent.").
 *   <li>positionRisk v3 lists only symbols with a position or open orders, v2 every symbol (docs).
 *   <li>Hedge mode: orders with {@code positionSide=BOTH} refused with -4061 (change log notes).
 *   <li>userTrades: see {@link #userTrades}.
 * </ul>
 *
 * Not thread-safe: the emulator calls it under its lock.
 */
final class EmulatedVenue {
  private static final Pattern CLIENT_ID = Pattern.compile("^[.A-Z:/a-z0-9_-]{1,36}$");

  /**
   * Open conditional (algo) orders an account may hold, across all symbols: 200 since the change
   * log of 2025-12-29, which removed the per-symbol {@code MAX_NUM_ALGO_ORDERS} filter (10 in a
   * 2022 exchangeInfo capture) from exchangeInfo.
   */
  static final int MAX_OPEN_ALGO_ORDERS = 200;

  // The venue's limit unless a load harness raises it (BinanceEmulator.allowOpenAlgoOrders).
  int maxOpenAlgoOrders = MAX_OPEN_ALGO_ORDERS;

  /** Where the venue's stream frames go. */
  interface Publisher {
    void user(String frame);

    void mark(String symbol, String frame);
  }

  record Instrument(
      String symbol,
      String contractType,
      String status,
      BigDecimal tickSize,
      BigDecimal stepSize,
      BigDecimal minQty,
      BigDecimal maxQty,
      BigDecimal minNotional) {
    /**
     * The largest relative gap between mark and contract price at which a {@code priceProtect} stop
     * still triggers (exchangeInfo {@code triggerProtect}; 0.05 as in the 2022 capture).
     */
    static final BigDecimal TRIGGER_PROTECT = new BigDecimal("0.0500");
  }

  static final class Pos {
    BigDecimal amount = BigDecimal.ZERO;
    BigDecimal entry = BigDecimal.ZERO;
    long updateTime;
  }

  static final class Order {
    long orderId;
    String clientOrderId;
    String symbol;
    String side;
    String type = "MARKET";
    BigDecimal origQty;
    BigDecimal executedQty = BigDecimal.ZERO;
    BigDecimal avgPrice = BigDecimal.ZERO;
    String status = "NEW";
    boolean reduceOnly;
    boolean closePosition;
    long time;
    long updateTime;

    boolean open() {
      return status.equals("NEW") || status.equals("PARTIALLY_FILLED");
    }
  }

  static final class Algo {
    long algoId;
    String clientAlgoId;
    String symbol;
    String side;
    String orderType = "STOP_MARKET";
    BigDecimal triggerPrice;
    BigDecimal quantity; // null with closePosition
    boolean reduceOnly;
    BigDecimal callbackRate; // trailing only
    String workingType;
    boolean priceProtect;
    boolean closePosition;
    String status = "NEW";
    String actualOrderId = "";
    BigDecimal avgPrice = BigDecimal.ZERO;
    BigDecimal executedQty = BigDecimal.ZERO;
    String rejectReason = "";
    long createTime;
    long updateTime;
    long triggerTime;

    boolean open() {
      return status.equals("NEW");
    }
  }

  static final class Trade {
    long id;
    long orderId;
    String symbol;
    String side;
    BigDecimal price;
    BigDecimal qty;
    BigDecimal realizedPnl;
    long time;
  }

  private final LongSupplier serverTime;
  private final Publisher publisher;
  final Map<String, Instrument> instruments = new TreeMap<>();
  final Map<String, BigDecimal> marks = new TreeMap<>();

  /** The last traded (contract) price: what CONTRACT_PRICE stops watch. */
  final Map<String, BigDecimal> lasts = new TreeMap<>();

  /** Hedge (dual-side) position mode: {@code GET/POST /fapi/v1/positionSide/dual}. */
  boolean dualSidePosition;

  final Map<String, Integer> leverage = new TreeMap<>();
  final Map<String, String> marginType = new TreeMap<>();
  final Map<String, Pos> positions = new TreeMap<>();
  final Map<Long, Order> orders = new LinkedHashMap<>();
  final Map<String, Order> ordersByClientId = new LinkedHashMap<>();
  final Map<Long, Algo> algos = new LinkedHashMap<>();
  final Map<String, Algo> algosByClientId = new LinkedHashMap<>();
  final List<Trade> trades = new ArrayList<>();

  // Ids above 2^53, as the live venue hands out: a double-based parser fails on them.
  private long nextOrderId = 8_389_766_058_155_948_588L;
  private long nextAlgoId = 1_000_000_033_225_453L;
  private long nextTradeId = 9_007_199_254_740_993L;
  private long clientIdSeq;

  EmulatedVenue(LongSupplier serverTime, Publisher publisher) {
    this.serverTime = serverTime;
    this.publisher = publisher;
  }

  // ------------------------------------------------------------------ driver

  void addInstrument(Instrument i) {
    instruments.put(i.symbol(), i);
  }

  /** Mark and contract price move together (the common case). */
  void setMark(String symbol, BigDecimal mark) {
    setPrices(symbol, mark, mark);
  }

  /**
   * Sets the mark and the last contract price apart (a flash move shows as a gap between them) and
   * triggers the algo orders whose {@code workingType} price reached their trigger.
   */
  void setPrices(String symbol, BigDecimal mark, BigDecimal contract) {
    long now = serverTime.getAsLong();
    marks.put(symbol, mark);
    lasts.put(symbol, contract);
    publisher.mark(symbol, Frames.markPriceUpdate(symbol, mark, now));
    for (Algo a : List.copyOf(algos.values())) {
      if (a.symbol.equals(symbol) && a.open() && crosses(a, watched(a)) && !protectedNow(a)) {
        trigger(a, mark);
      }
    }
  }

  /**
   * The price an algo order watches: {@code workingType} MARK_PRICE or CONTRACT_PRICE (algo order
   * docs, "latest price (MARK_PRICE or CONTRACT_PRICE)").
   */
  private BigDecimal watched(Algo a) {
    return a.workingType.equals("MARK_PRICE") ? marks.get(a.symbol) : lasts.get(a.symbol);
  }

  /**
   * A {@code priceProtect} order does not trigger while mark and contract price differ by more than
   * the symbol's triggerProtect (algo order docs: "the MARK vs CONTRACT price divergence must not
   * exceed the symbol's triggerProtect"; that it then simply waits is inferred).
   */
  private boolean protectedNow(Algo a) {
    if (!a.priceProtect) {
      return false;
    }
    BigDecimal mark = marks.get(a.symbol);
    BigDecimal gap = mark.subtract(lasts.get(a.symbol)).abs();
    return gap.divide(mark, 8, RoundingMode.HALF_EVEN).compareTo(Instrument.TRIGGER_PROTECT) > 0;
  }

  /** A position opened elsewhere, with the fill (and so the opening order) in the trade history. */
  long seedPosition(String symbol, BigDecimal signedAmount, BigDecimal entry) {
    Order o = new Order();
    o.orderId = nextOrderId++;
    o.clientOrderId = "web_" + (++clientIdSeq);
    o.symbol = symbol;
    o.side = signedAmount.signum() > 0 ? "BUY" : "SELL";
    o.origQty = signedAmount.abs();
    o.time = o.updateTime = serverTime.getAsLong();
    orders.put(o.orderId, o);
    ordersByClientId.put(o.clientOrderId, o);
    fill(o, signedAmount.abs(), entry);
    return o.orderId;
  }

  void closeExternally(String symbol) {
    Pos p = positions.get(symbol);
    if (p == null || p.amount.signum() == 0) {
      return;
    }
    Order o = new Order();
    o.orderId = nextOrderId++;
    o.clientOrderId = "autoclose-" + (++clientIdSeq);
    o.symbol = symbol;
    o.side = p.amount.signum() > 0 ? "SELL" : "BUY";
    o.origQty = p.amount.abs();
    o.reduceOnly = true;
    o.time = o.updateTime = serverTime.getAsLong();
    orders.put(o.orderId, o);
    ordersByClientId.put(o.clientOrderId, o);
    BigDecimal mark = marks.getOrDefault(symbol, p.entry);
    fill(o, o.origQty, mark);
  }

  // ------------------------------------------------------------------ REST operations

  JsonObject newOrder(Map<String, String> q) {
    String symbol = required(q, "symbol");
    Instrument instrument = instrument(symbol);
    String side = side(required(q, "side"));
    String type = required(q, "type");
    switch (type) {
      case "MARKET" -> {}
      case "STOP_MARKET", "TAKE_PROFIT_MARKET", "STOP", "TAKE_PROFIT", "TRAILING_STOP_MARKET" ->
          throw VenueError.badRequest(
              -4120,
              "Order type not supported for this endpoint. Please use the Algo Order API"
                  + " endpoints instead.");
      default -> throw VenueError.badRequest(-1116, "Invalid orderType.");
    }
    requireOneWaySide(q);
    BigDecimal qty = decimal(q, "quantity");
    if (qty.signum() <= 0) {
      throw VenueError.badRequest(-4003, "Quantity less than or equal to zero.");
    }
    if (qty.remainder(instrument.stepSize()).signum() != 0) {
      throw VenueError.badRequest(-1111, "Precision is over the maximum defined for this asset.");
    }
    if (qty.compareTo(instrument.minQty()) < 0) {
      throw VenueError.badRequest(-4003, "Quantity less than or equal to zero.");
    }
    if (qty.compareTo(instrument.maxQty()) > 0) {
      throw VenueError.badRequest(-4005, "Quantity greater than max quantity.");
    }
    String clientId = q.getOrDefault("newClientOrderId", "emu" + (++clientIdSeq));
    if (!CLIENT_ID.matcher(clientId).matches()) {
      throw VenueError.badRequest(
          -1100, "Illegal characters found in parameter 'newClientOrderId'.");
    }
    // "A unique id among open orders" (newOrder JSDoc, official connectors): only an open order
    // holds its id; a filled, cancelled or expired one frees it and the same id places a second
    // order. The id then names the newest order (inferred: the docs do not say which one a
    // query by origClientOrderId returns when several share it; the newest is the only useful
    // answer and what other bots report).
    Order holder = ordersByClientId.get(clientId);
    if (holder != null && holder.open()) {
      throw VenueError.badRequest(-4116, "ClientOrderId is duplicated.");
    }
    boolean reduceOnly = bool(q, "reduceOnly");
    BigDecimal mark = marks.get(symbol);
    if (mark == null) {
      throw new VenueError(503, -1000, "No mark price for " + symbol + " (emulator not driven)");
    }
    Pos pos = positions.computeIfAbsent(symbol, s -> new Pos());
    int dir = side.equals("BUY") ? 1 : -1;
    if (reduceOnly) {
      if (pos.amount.signum() == 0 || pos.amount.signum() == dir) {
        throw VenueError.badRequest(-2022, "ReduceOnly Order is rejected.");
      }
    } else if (qty.multiply(mark).compareTo(instrument.minNotional()) < 0) {
      throw VenueError.badRequest(
          -4164,
          "Order's notional must be no smaller than "
              + instrument.minNotional().toPlainString()
              + " (unless you choose reduce only).");
    }
    Order o = new Order();
    o.orderId = nextOrderId++;
    o.clientOrderId = clientId;
    o.symbol = symbol;
    o.side = side;
    o.origQty = qty;
    o.reduceOnly = reduceOnly;
    o.time = o.updateTime = serverTime.getAsLong();
    orders.put(o.orderId, o);
    ordersByClientId.put(clientId, o);
    publisher.user(
        Frames.orderTradeUpdate(
            o,
            "NEW",
            "NEW",
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            0,
            BigDecimal.ZERO,
            o.time));
    BigDecimal fillQty = reduceOnly ? qty.min(pos.amount.abs()) : qty;
    fill(o, fillQty, mark);
    if (fillQty.compareTo(qty) < 0) {
      o.status = "EXPIRED"; // the unfilled rest of a reduce-only order larger than the position
    }
    return "ACK".equals(q.get("newOrderRespType")) ? Frames.orderAck(o) : Frames.order(o);
  }

  JsonObject queryOrder(Map<String, String> q) {
    return Frames.order(findOrder(q, -2013, "Order does not exist."));
  }

  JsonObject cancelOrder(Map<String, String> q) {
    Order o = findOrder(q, -2011, "Unknown order sent.");
    if (!o.status.equals("NEW") && !o.status.equals("PARTIALLY_FILLED")) {
      throw VenueError.badRequest(-2011, "Unknown order sent.");
    }
    o.status = "CANCELED";
    o.updateTime = serverTime.getAsLong();
    return Frames.order(o);
  }

  JsonArray openOrders(Map<String, String> q) {
    JsonArray out = new JsonArray();
    String symbol = q.get("symbol");
    for (Order o : orders.values()) {
      if ((symbol == null || o.symbol.equals(symbol))
          && (o.status.equals("NEW") || o.status.equals("PARTIALLY_FILLED"))) {
        out.add(Frames.order(o));
      }
    }
    return out;
  }

  JsonObject newAlgoOrder(Map<String, String> q) {
    if (!"CONDITIONAL".equals(q.get("algoType"))) {
      throw VenueError.badRequest(
          -1102, "Mandatory parameter 'algoType' was not sent or is invalid.");
    }
    String symbol = required(q, "symbol");
    Instrument instrument = instrument(symbol);
    String side = side(required(q, "side"));
    String type = required(q, "type");
    requireOneWaySide(q);
    // STOP/TAKE_PROFIT (limit) are not emulated; the market kinds are what the web UI offers on a
    // position. closePosition only with STOP_MARKET/TAKE_PROFIT_MARKET, never with quantity or
    // reduceOnly (algo order parameter table).
    if (!type.equals("STOP_MARKET")
        && !type.equals("TAKE_PROFIT_MARKET")
        && !type.equals("TRAILING_STOP_MARKET")) {
      throw VenueError.badRequest(-1116, "Invalid orderType (not emulated: " + type + ").");
    }
    boolean closePosition = bool(q, "closePosition");
    if (closePosition && type.equals("TRAILING_STOP_MARKET")) {
      throw VenueError.badRequest(-1106, "Parameter 'closePosition' sent when not required.");
    }
    if (closePosition && q.containsKey("quantity")) {
      throw VenueError.badRequest(-1106, "Parameter 'quantity' sent when not required.");
    }
    if (closePosition && q.containsKey("reduceOnly")) {
      throw VenueError.badRequest(-1106, "Parameter 'reduceOnly' sent when not required.");
    }
    BigDecimal quantity = closePosition ? null : decimal(q, "quantity");
    BigDecimal callbackRate = null;
    if (type.equals("TRAILING_STOP_MARKET")) {
      // callbackRate is a percent, 0.1..20 since 2026-10-23 (change log).
      callbackRate = decimal(q, "callbackRate");
      if (callbackRate.compareTo(new BigDecimal("0.1")) < 0
          || callbackRate.compareTo(new BigDecimal("20")) > 0) {
        throw VenueError.badRequest(-1102, "callbackRate must be 0.1..20.");
      }
    }
    BigDecimal trigger =
        type.equals("TRAILING_STOP_MARKET")
            ? Optional.ofNullable(q.get("activatePrice"))
                .map(BigDecimal::new)
                .orElse(marks.getOrDefault(symbol, BigDecimal.ONE))
            : decimal(q, "triggerPrice");
    if (trigger.signum() <= 0) {
      throw VenueError.badRequest(-4006, "Stop price less than or equal to zero.");
    }
    if (trigger.remainder(instrument.tickSize()).signum() != 0) {
      throw VenueError.badRequest(-4014, "Price not increased by tick size.");
    }
    String workingType = q.getOrDefault("workingType", "CONTRACT_PRICE");
    if (!workingType.equals("MARK_PRICE") && !workingType.equals("CONTRACT_PRICE")) {
      throw VenueError.badRequest(-1102, "Invalid workingType.");
    }
    String clientId = q.getOrDefault("clientAlgoId", "emuAlgo" + (++clientIdSeq));
    if (!CLIENT_ID.matcher(clientId).matches()) {
      throw VenueError.badRequest(-1100, "Illegal characters found in parameter 'clientAlgoId'.");
    }
    // clientAlgoId is unique among open algo orders only, like newClientOrderId (reference page,
    // "Client ids are unique only among open orders"); the id then names the newest algo order.
    Algo holder = algosByClientId.get(clientId);
    if (holder != null && holder.open()) {
      throw VenueError.badRequest(-4116, "ClientOrderId is duplicated.");
    }
    if (algos.values().stream().filter(Algo::open).count() >= maxOpenAlgoOrders) {
      throw VenueError.badRequest(-4045, "Reach max stop order limit.");
    }
    BigDecimal mark = marks.get(symbol);
    if (mark == null) {
      throw new VenueError(503, -1000, "No mark price for " + symbol + " (emulator not driven)");
    }
    Algo a = new Algo();
    a.algoId = nextAlgoId++;
    a.clientAlgoId = clientId;
    a.symbol = symbol;
    a.side = side;
    a.orderType = type;
    a.triggerPrice = trigger;
    a.quantity = quantity;
    a.reduceOnly = bool(q, "reduceOnly");
    a.callbackRate = callbackRate;
    a.workingType = workingType;
    a.priceProtect = bool(q, "priceProtect");
    a.closePosition = closePosition;
    if (!type.equals("TRAILING_STOP_MARKET") && crosses(a, watchedOrMark(a))) {
      throw VenueError.badRequest(-2021, "Order would immediately trigger.");
    }
    a.createTime = a.updateTime = serverTime.getAsLong();
    algos.put(a.algoId, a);
    algosByClientId.put(clientId, a);
    publisher.user(Frames.algoUpdate(a, a.createTime));
    return Frames.algo(a, false);
  }

  /** {@code GET /fapi/v1/positionSide/dual}: {@code {"dualSidePosition":bool}}. */
  JsonObject positionSideDual() {
    JsonObject j = new JsonObject();
    j.addProperty("dualSidePosition", dualSidePosition);
    return j;
  }

  /**
   * {@code POST /fapi/v1/leverage} (1..125; the answer as the docs example). -4028 for a value out
   * of range is inferred from the error-code list ("Leverage %s is not valid").
   */
  JsonObject changeLeverage(Map<String, String> q) {
    String symbol = required(q, "symbol");
    instrument(symbol);
    int value;
    try {
      value = Integer.parseInt(required(q, "leverage"));
    } catch (NumberFormatException e) {
      throw VenueError.badRequest(-1102, "Parameter 'leverage' is malformed.");
    }
    if (value < 1 || value > 125) {
      throw VenueError.badRequest(-4028, "Leverage " + value + " is not valid");
    }
    leverage.put(symbol, value);
    JsonObject j = new JsonObject();
    j.addProperty("leverage", value);
    j.addProperty("maxNotionalValue", "1000000");
    j.addProperty("symbol", symbol);
    return j;
  }

  /**
   * {@code POST /fapi/v1/marginType} ({@code ISOLATED}/{@code CROSSED}): {@code
   * {"code":200,"msg":"success"}}, or -4046 when nothing changes (reference page, fixture
   * margin_type_response_docs.json). Accounts start in cross margin (inferred: the venue's
   * default). -4048 with a position open is from the error-code list.
   */
  JsonObject changeMarginType(Map<String, String> q) {
    String symbol = required(q, "symbol");
    instrument(symbol);
    String type = required(q, "marginType");
    if (!type.equals("ISOLATED") && !type.equals("CROSSED")) {
      throw VenueError.badRequest(-1102, "Parameter 'marginType' is invalid.");
    }
    if (type.equals(marginType.getOrDefault(symbol, "CROSSED"))) {
      throw VenueError.badRequest(-4046, "No need to change margin type.");
    }
    if (position(symbol).map(p -> p.amount.signum() != 0).orElse(false)) {
      throw VenueError.badRequest(-4048, "Margin type cannot be changed if there exists position.");
    }
    marginType.put(symbol, type);
    JsonObject j = new JsonObject();
    j.addProperty("code", 200);
    j.addProperty("msg", "success");
    return j;
  }

  JsonObject queryAlgoOrder(Map<String, String> q) {
    return Frames.algo(findAlgo(q, -2013, "Order does not exist."), true);
  }

  JsonObject cancelAlgoOrder(Map<String, String> q) {
    Algo a = findAlgo(q, -2011, "Unknown order sent.");
    if (!a.open()) {
      throw VenueError.badRequest(-2011, "Unknown order sent.");
    }
    finishAlgo(a, "CANCELED");
    JsonObject j = new JsonObject();
    j.addProperty("algoId", a.algoId);
    j.addProperty("clientAlgoId", a.clientAlgoId);
    j.addProperty("code", "200");
    j.addProperty("msg", "success");
    return j;
  }

  JsonArray openAlgoOrders(Map<String, String> q) {
    String symbol = q.get("symbol");
    JsonArray out = new JsonArray();
    for (Algo a : algos.values()) {
      if (a.open() && (symbol == null || a.symbol.equals(symbol))) {
        out.add(Frames.algo(a, true));
      }
    }
    return out;
  }

  /** v3: only symbols with a position or an open order, flat ones included (as the venue does). */
  JsonArray positionRiskV3() {
    JsonArray out = new JsonArray();
    for (Map.Entry<String, Pos> e : positions.entrySet()) {
      String symbol = e.getKey();
      boolean openOrders =
          algos.values().stream().anyMatch(a -> a.open() && a.symbol.equals(symbol));
      if (e.getValue().amount.signum() != 0 || openOrders) {
        out.add(Frames.position(symbol, e.getValue(), markOr(symbol, e.getValue().entry)));
      }
    }
    return out;
  }

  /** v2: every listed symbol, flat rows included. */
  JsonArray positionRiskV2() {
    JsonArray out = new JsonArray();
    for (String symbol : instruments.keySet()) {
      Pos p = positions.getOrDefault(symbol, new Pos());
      out.add(Frames.position(symbol, p, markOr(symbol, p.entry)));
    }
    return out;
  }

  static final long DAY_MS = 24L * 60 * 60 * 1000;

  /**
   * {@code GET /fapi/v1/userTrades} with the venue's parameter rules. Documented (Account Trade
   * List, USDⓈ-M docs): {@code symbol} is mandatory; {@code orderId} selects one order's trades;
   * {@code fromId} returns trades with id at or above it and cannot be sent with {@code startTime}
   * or {@code endTime}; without {@code startTime} and {@code endTime} the last 7 days are returned;
   * the time between {@code startTime} and {@code endTime} cannot be longer than 7 days; {@code
   * limit} defaults to 500, max 1000; trades are kept for the past 3 months only (change log
   * 2026-08-26; older ones are simply absent). The error codes are inferred from the error-code
   * list: -1127 ("More than %s hours between startTime and endTime") for a window over 7 days,
   * -1128 ("Combination of optional parameters invalid") for {@code fromId} with a time; also
   * inferred: -1128 for {@code startTime} after {@code endTime}, -1130 for a limit outside 1..1000,
   * a window of 7 days from a lone {@code startTime} (or back from a lone {@code endTime}), and,
   * when more trades match than {@code limit}, the oldest of a time window or of a {@code fromId}
   * but the newest of the default 7 days ("Default gets most recent trades").
   */
  JsonArray userTrades(Map<String, String> q) {
    String symbol = required(q, "symbol");
    instrument(symbol);
    Long startTime = optionalLong(q, "startTime");
    Long endTime = optionalLong(q, "endTime");
    Long fromId = optionalLong(q, "fromId");
    Long orderId = optionalLong(q, "orderId");
    int limit = Math.toIntExact(Optional.ofNullable(optionalLong(q, "limit")).orElse(500L));
    if (limit < 1 || limit > 1000) {
      throw VenueError.badRequest(-1130, "Data sent for parameter 'limit' is not valid.");
    }
    if (fromId != null && (startTime != null || endTime != null)) {
      throw VenueError.badRequest(-1128, "Combination of optional parameters invalid.");
    }
    long now = serverTime.getAsLong();
    long from;
    long to;
    if (startTime == null && endTime == null) {
      from = fromId == null ? now - 7 * DAY_MS : Long.MIN_VALUE;
      to = Long.MAX_VALUE;
    } else {
      from = startTime != null ? startTime : endTime - 7 * DAY_MS;
      to = endTime != null ? endTime : startTime + 7 * DAY_MS;
    }
    if (from > to) {
      throw VenueError.badRequest(-1128, "Combination of optional parameters invalid.");
    }
    if (to - from > 7 * DAY_MS && to != Long.MAX_VALUE && from != Long.MIN_VALUE) {
      throw VenueError.badRequest(
          -1127, "Lookup interval is too big. More than 168 hours between startTime and endTime.");
    }
    long kept = now - 90 * DAY_MS;
    List<Trade> mine =
        trades.stream()
            .filter(t -> t.symbol.equals(symbol))
            .filter(t -> t.time >= kept && t.time >= from && t.time <= to)
            .filter(t -> fromId == null || t.id >= fromId)
            .filter(t -> orderId == null || t.orderId == orderId)
            .toList();
    boolean newest = startTime == null && endTime == null && fromId == null;
    List<Trade> page =
        newest
            ? mine.subList(Math.max(0, mine.size() - limit), mine.size())
            : mine.subList(0, Math.min(limit, mine.size()));
    JsonArray out = new JsonArray();
    page.forEach(t -> out.add(Frames.trade(t)));
    return out;
  }

  JsonElement premiumIndex(Map<String, String> q) {
    String symbol = q.get("symbol");
    if (symbol == null) {
      JsonArray all = new JsonArray();
      marks.keySet().forEach(s -> all.add(premium(s)));
      return all;
    }
    instrument(symbol);
    if (!marks.containsKey(symbol)) {
      throw new VenueError(503, -1000, "No mark price for " + symbol + " (emulator not driven)");
    }
    return premium(symbol);
  }

  private JsonObject premium(String symbol) {
    BigDecimal mark = marks.get(symbol);
    JsonObject j = new JsonObject();
    j.addProperty("symbol", symbol);
    j.addProperty("markPrice", Frames.plain(mark));
    j.addProperty("indexPrice", Frames.plain(mark));
    j.addProperty("estimatedSettlePrice", Frames.plain(mark));
    j.addProperty("lastFundingRate", "0.00010000");
    j.addProperty("interestRate", "0.00010000");
    j.addProperty("nextFundingTime", 0);
    j.addProperty("time", serverTime.getAsLong());
    return j;
  }

  JsonObject exchangeInfo() {
    JsonObject j = new JsonObject();
    j.addProperty("timezone", "UTC");
    j.addProperty("serverTime", serverTime.getAsLong());
    j.addProperty("futuresType", "U_MARGINED");
    JsonArray limits = new JsonArray();
    limits.add(Frames.rateLimit("REQUEST_WEIGHT", "MINUTE", 1, 2400));
    limits.add(Frames.rateLimit("ORDERS", "MINUTE", 1, 1200));
    limits.add(Frames.rateLimit("ORDERS", "SECOND", 10, 300));
    j.add("rateLimits", limits);
    j.add("exchangeFilters", new JsonArray());
    JsonArray symbols = new JsonArray();
    instruments.values().forEach(i -> symbols.add(Frames.symbolInfo(i)));
    j.add("symbols", symbols);
    return j;
  }

  // ------------------------------------------------------------------ mechanics

  private BigDecimal markOr(String symbol, BigDecimal fallback) {
    return marks.getOrDefault(symbol, fallback);
  }

  private BigDecimal watchedOrMark(Algo a) {
    BigDecimal price = watched(a);
    return price == null ? marks.get(a.symbol) : price;
  }

  /**
   * Algo order trigger rules: STOP_MARKET SELL when the price falls to the trigger, BUY when it
   * rises to it; TAKE_PROFIT_MARKET the other way round. Trailing orders are accepted, listed and
   * reported, but their callback is not emulated: they never trigger here.
   */
  private static boolean crosses(Algo a, BigDecimal price) {
    if (a.orderType.equals("TRAILING_STOP_MARKET")) {
      return false;
    }
    boolean falls = a.side.equals("SELL") == a.orderType.equals("STOP_MARKET");
    return falls ? price.compareTo(a.triggerPrice) <= 0 : price.compareTo(a.triggerPrice) >= 0;
  }

  private void requireOneWaySide(Map<String, String> q) {
    String ps = q.getOrDefault("positionSide", "BOTH");
    if (dualSidePosition ? ps.equals("BOTH") : !ps.equals("BOTH")) {
      throw VenueError.badRequest(-4061, "Order's position side does not match user's setting.");
    }
  }

  private void trigger(Algo a, BigDecimal mark) {
    long now = serverTime.getAsLong();
    a.status = "TRIGGERING";
    a.triggerTime = now;
    a.updateTime = now;
    publisher.user(Frames.algoUpdate(a, now));
    Pos pos = positions.computeIfAbsent(a.symbol, s -> new Pos());
    int closes = a.side.equals("SELL") ? 1 : -1; // a SELL close-position stop closes a long
    Order o = new Order();
    o.orderId = nextOrderId++;
    // The triggered order carries the algo's client id (as nautilus_trader relies on).
    o.clientOrderId = a.clientAlgoId;
    o.symbol = a.symbol;
    o.side = a.side;
    BigDecimal closable = pos.amount.signum() == closes ? pos.amount.abs() : BigDecimal.ZERO;
    o.origQty = a.closePosition ? closable : a.quantity.min(closable);
    o.reduceOnly = true;
    o.closePosition = a.closePosition;
    o.time = o.updateTime = now;
    orders.put(o.orderId, o);
    a.status = "TRIGGERED";
    a.actualOrderId = Long.toString(o.orderId);
    publisher.user(Frames.algoUpdate(a, now));
    if (o.origQty.signum() > 0) {
      publisher.user(
          Frames.orderTradeUpdate(
              o,
              "NEW",
              "NEW",
              BigDecimal.ZERO,
              BigDecimal.ZERO,
              BigDecimal.ZERO,
              BigDecimal.ZERO,
              0,
              BigDecimal.ZERO,
              now));
      fill(o, o.origQty, mark);
      a.avgPrice = o.avgPrice;
      a.executedQty = o.executedQty;
    } else {
      o.status = "EXPIRED";
    }
    if (a.status.equals("TRIGGERED")) {
      finishAlgo(a, "FINISHED");
    }
  }

  private void finishAlgo(Algo a, String status) {
    a.status = status;
    a.updateTime = serverTime.getAsLong();
    publisher.user(Frames.algoUpdate(a, a.updateTime));
  }

  /** Fills {@code qty} of an order at {@code price}: trade, position, events. */
  private void fill(Order o, BigDecimal qty, BigDecimal price) {
    long now = serverTime.getAsLong();
    Pos pos = positions.computeIfAbsent(o.symbol, s -> new Pos());
    int dir = o.side.equals("BUY") ? 1 : -1;
    BigDecimal size = pos.amount;
    BigDecimal delta = dir > 0 ? qty : qty.negate();
    BigDecimal newSize = size.add(delta);
    BigDecimal realized = BigDecimal.ZERO;
    if (size.signum() == 0 || size.signum() == dir) {
      pos.entry =
          size.abs()
              .multiply(pos.entry)
              .add(qty.multiply(price))
              .divide(newSize.abs(), 8, RoundingMode.HALF_EVEN)
              .stripTrailingZeros();
    } else {
      BigDecimal closed = qty.min(size.abs());
      realized =
          price.subtract(pos.entry).multiply(closed).multiply(BigDecimal.valueOf(size.signum()));
      if (newSize.signum() == 0) {
        pos.entry = BigDecimal.ZERO;
      } else if (newSize.signum() != size.signum()) {
        pos.entry = price;
      }
    }
    Instrument instrument = instruments.get(o.symbol);
    // The venue pads quantities to the instrument's step scale ("0.010").
    pos.amount =
        instrument == null
            ? newSize
            : newSize.setScale(
                Math.max(newSize.scale(), instrument.stepSize().scale()), RoundingMode.UNNECESSARY);
    pos.updateTime = now;
    o.executedQty = o.executedQty.add(qty);
    o.avgPrice = price;
    o.status = o.executedQty.compareTo(o.origQty) >= 0 ? "FILLED" : "PARTIALLY_FILLED";
    o.updateTime = now;
    Trade t = new Trade();
    t.id = nextTradeId++;
    t.orderId = o.orderId;
    t.symbol = o.symbol;
    t.side = o.side;
    t.price = price;
    t.qty = qty;
    t.realizedPnl = realized;
    t.time = now;
    trades.add(t);
    publisher.user(Frames.tradeLite(o, qty, price, t.id, now));
    publisher.user(
        Frames.orderTradeUpdate(
            o, "TRADE", o.status, qty, price, o.executedQty, o.avgPrice, t.id, realized, now));
    publisher.user(Frames.accountUpdate("ORDER", o.symbol, pos, now));
    // A close-position stop stays when the position closes some other way (by hand, liquidated):
    // the venue expires only GTE_GTC orders then (ALGO_UPDATE statuses, "EXPIRED: system-
    // cancelled, e.g. GTE_GTC when the position is closed"), and stops are sent as GTC. It would
    // close the next position on the symbol.
  }

  private Order findOrder(Map<String, String> q, int code, String msg) {
    String symbol = required(q, "symbol");
    Order o = null;
    if (q.containsKey("orderId")) {
      o = orders.get(Long.parseLong(q.get("orderId")));
    } else if (q.containsKey("origClientOrderId")) {
      o = ordersByClientId.get(q.get("origClientOrderId"));
    } else {
      throw VenueError.badRequest(
          -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    if (o == null || !o.symbol.equals(symbol)) {
      throw VenueError.badRequest(code, msg);
    }
    return o;
  }

  private Algo findAlgo(Map<String, String> q, int code, String msg) {
    Algo a;
    if (q.containsKey("algoId")) {
      a = algos.get(Long.parseLong(q.get("algoId")));
    } else if (q.containsKey("clientAlgoId")) {
      a = algosByClientId.get(q.get("clientAlgoId"));
    } else {
      throw VenueError.badRequest(
          -1102, "Param 'clientAlgoId' or 'algoId' must be sent, but both were empty/null!");
    }
    if (a == null) {
      throw VenueError.badRequest(code, msg);
    }
    return a;
  }

  private Instrument instrument(String symbol) {
    Instrument i = instruments.get(symbol);
    if (i == null) {
      throw VenueError.badRequest(-1121, "Invalid symbol.");
    }
    return i;
  }

  Optional<Pos> position(String symbol) {
    return Optional.ofNullable(positions.get(symbol));
  }

  private static String required(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) {
      throw VenueError.badRequest(
          -1102, "Mandatory parameter '" + name + "' was not sent, was empty/null, or malformed.");
    }
    return v;
  }

  private static Long optionalLong(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw VenueError.badRequest(-1102, "Parameter '" + name + "' is malformed.");
    }
  }

  private static String side(String v) {
    if (!v.equals("BUY") && !v.equals("SELL")) {
      throw VenueError.badRequest(-1117, "Invalid side.");
    }
    return v;
  }

  private static BigDecimal decimal(Map<String, String> q, String name) {
    String v = required(q, name);
    try {
      return new BigDecimal(v);
    } catch (NumberFormatException e) {
      throw VenueError.badRequest(-1102, "Parameter '" + name + "' is malformed.");
    }
  }

  private static boolean bool(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw VenueError.badRequest(-1102, "Parameter '" + name + "' is not a boolean.");
  }
}
