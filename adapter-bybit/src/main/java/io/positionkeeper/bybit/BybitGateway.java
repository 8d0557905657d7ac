package io.positionkeeper.bybit;

import com.google.gson.JsonObject;
import io.positionkeeper.bybit.config.BybitConfig;
import io.positionkeeper.bybit.http.BybitHttp;
import io.positionkeeper.bybit.http.BybitHttp.Access;
import io.positionkeeper.bybit.http.BybitHttp.Answer;
import io.positionkeeper.bybit.http.Query;
import io.positionkeeper.bybit.parse.Rest;
import io.positionkeeper.bybit.parse.Wire;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.MarkPrice;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExchangeGateway} on Bybit v5, category linear, one-way mode ({@code positionIdx=0}). An
 * order's client id is its {@code orderLinkId}; the stop-loss is the position's own (see {@link
 * StopLosses}), reported under the id it was placed with, or {@code bybit-sl-<SYMBOL>} when this
 * instance did not place it. Build it with {@link BybitAdapter}.
 */
public final class BybitGateway implements ExchangeGateway, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BybitGateway.class);

  private final BybitConfig config;
  private final Calls calls;
  private final InDoubt inDoubt;
  private final StopLosses stops;
  private final Trades trades;
  private final Set<Symbol> leverageSet = ConcurrentHashMap.newKeySet();

  BybitGateway(BybitConfig config, BybitHttp http, InDoubt inDoubt, StopIds stopIds) {
    this.config = config;
    this.calls = new Calls(http);
    this.inDoubt = inDoubt;
    this.stops = new StopLosses(calls, stopIds, inDoubt);
    this.trades = new Trades(calls, stopIds);
  }

  @Override
  public Exchange exchange() {
    return Exchange.BYBIT;
  }

  @Override
  public List<InstrumentRules> instruments() {
    String path = "/v5/market/instruments-info";
    return calls
        .pages(path, Query.of("category", Calls.LINEAR).and("limit", 1000), Access.PUBLIC)
        .stream()
        .map(r -> Calls.read(path, () -> Rest.instrument(r)))
        .toList();
  }

  @Override
  public InstrumentRules instrument(Symbol symbol) {
    String path = "/v5/market/instruments-info";
    JsonObject result =
        calls
            .http()
            .get(
                path,
                Query.of("category", Calls.LINEAR).and("symbol", symbol.value()).toString(),
                Access.PUBLIC)
            .result();
    return Calls.read(path, () -> Rest.list(result)).stream()
        .findFirst()
        .map(r -> Calls.read(path, () -> Rest.instrument(r)))
        .orElseThrow(
            () -> new RejectedException("unknown-symbol", "Bybit linear lists no " + symbol));
  }

  @Override
  public OrderReport placeMarketOrder(MarketOrderRequest request) {
    String key = orderKey(request.clientOrderId());
    Optional<OrderReport> existing = lookUp(request.symbol(), request.clientOrderId());
    if (existing.isPresent()) {
      inDoubt.settle(key);
      return sameOrClash(request, existing.get());
    }
    if (inDoubt.contains(key) && !inDoubt.absentNow(key)) {
      throw new OutcomeUnknownException(
          "an earlier order with client id "
              + request.clientOrderId()
              + " got an ambiguous answer and has not shown up yet; nothing sent");
    }
    ensureLeverage(request.symbol());
    Answer answer;
    try {
      answer = calls.http().post("/v5/order/create", createBody(request));
    } catch (OutcomeUnknownException e) {
      inDoubt.mark(key);
      log.warn(
          "order {} on {}: outcome unknown; query it, never resend",
          request.clientOrderId(),
          request.symbol());
      throw e;
    }
    ExchangeOrderId orderId =
        Calls.readWritten(
            "order/create", () -> ExchangeOrderId.of(Wire.text(answer.result(), "orderId")));
    // Bybit creates orders asynchronously: the reply is an acknowledgement, the query says what
    // became of it, and until it shows the order is NEW.
    return lookUp(request.symbol(), request.clientOrderId())
        .orElseGet(
            () ->
                new OrderReport(
                    request.symbol(),
                    request.clientOrderId(),
                    orderId,
                    request.side(),
                    OrderStatus.NEW,
                    request.quantity(),
                    BigDecimal.ZERO,
                    BigDecimal.ZERO,
                    request.reduceOnly(),
                    answer.venueTime()));
  }

  @Override
  public Optional<OrderReport> queryOrder(Symbol symbol, ClientOrderId clientOrderId) {
    String key = orderKey(clientOrderId);
    Optional<OrderReport> found = lookUp(symbol, clientOrderId);
    if (found.isPresent()) {
      inDoubt.settle(key);
      return found;
    }
    if (inDoubt.contains(key) && !inDoubt.absentNow(key)) {
      throw new OutcomeUnknownException(
          "order "
              + clientOrderId
              + " on "
              + symbol
              + " got an ambiguous answer and is not listed yet; ask again later");
    }
    return Optional.empty();
  }

  @Override
  public OrderReport cancelOrder(Symbol symbol, ClientOrderId clientOrderId) {
    JsonObject body = new JsonObject();
    body.addProperty("category", Calls.LINEAR);
    body.addProperty("symbol", symbol.value());
    body.addProperty("orderLinkId", clientOrderId.value());
    try {
      calls.http().post("/v5/order/cancel", body.toString());
    } catch (RejectedException e) {
      // 110001 (no such order) and 110008 (completed or cancelled): the final state says more.
      if (!"110001".equals(e.code()) && !"110008".equals(e.code())) {
        throw e;
      }
      return lookUp(symbol, clientOrderId).filter(r -> r.status().isFinal()).orElseThrow(() -> e);
    }
    return lookUp(symbol, clientOrderId)
        .orElseThrow(
            () ->
                new OutcomeUnknownException(
                    "order " + clientOrderId + " was cancelled but is not listed"));
  }

  @Override
  public StopOrder placeStopLoss(StopLossRequest request) {
    return stops.place(request);
  }

  @Override
  public StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement) {
    return stops.move(current, replacement);
  }

  @Override
  public void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId) {
    stops.cancel(symbol, stopClientId);
  }

  @Override
  public List<StopOrder> openStopLosses(Symbol symbol) {
    return stops.open(symbol);
  }

  /**
   * The stop-losses of every position: Bybit keeps the stop on the position, so the position list
   * by settle coin (pages of 200) carries them all, one request per page instead of one per symbol.
   */
  @Override
  public List<StopOrder> allOpenStopLosses() {
    List<JsonObject> rows = new ArrayList<>();
    for (String coin : config.settleCoins()) {
      Query q = Query.of("category", Calls.LINEAR).and("settleCoin", coin).and("limit", 200);
      rows.addAll(calls.pages("/v5/position/list", q, Access.READ));
    }
    return stops.openAll(rows);
  }

  @Override
  public PositionSnapshot positions() {
    String path = "/v5/position/list";
    List<ExchangePosition> rows = new ArrayList<>();
    Instant now = Instant.now();
    for (String coin : config.settleCoins()) {
      Query q = Query.of("category", Calls.LINEAR).and("settleCoin", coin).and("limit", 200);
      for (JsonObject row : calls.pages(path, q, Access.READ)) {
        rows.add(Calls.read(path, () -> Rest.position(row, "avgPrice", now)));
      }
    }
    return new PositionSnapshot.Complete(Exchange.BYBIT, rows, now);
  }

  @Override
  public Optional<ExchangeOrderId> openingOrderId(Symbol symbol, PositionSide side) {
    return trades.openingOrderId(symbol, side);
  }

  @Override
  public Optional<PositionExit> exitSince(Symbol symbol, PositionSide side, Instant since) {
    return trades.exitSince(symbol, side, since);
  }

  @Override
  public MarkPrice markPrice(Symbol symbol) {
    String path = "/v5/market/tickers";
    Answer a =
        calls
            .http()
            .get(
                path,
                Query.of("category", Calls.LINEAR).and("symbol", symbol.value()).toString(),
                Access.PUBLIC);
    JsonObject row =
        Calls.read(path, () -> Rest.list(a.result())).stream()
            .findFirst()
            .orElseThrow(
                () -> new RejectedException("unknown-symbol", "Bybit linear lists no " + symbol));
    return new MarkPrice(
        symbol, Calls.read(path, () -> Wire.requiredDecimal(row, "markPrice")), a.venueTime());
  }

  @Override
  public Instant serverTime() {
    return calls.http().resyncClock();
  }

  /** Now on the venue's clock, corrected as for signed REST calls (the stream login signs it). */
  long venueNowMillis() {
    return calls.http().venueNowMillis();
  }

  private Optional<OrderReport> lookUp(Symbol symbol, ClientOrderId id) {
    return calls.orderRow(symbol, id.value()).map(r -> Calls.read("order", () -> Rest.order(r)));
  }

  private static OrderReport sameOrClash(MarketOrderRequest request, OrderReport existing) {
    boolean same =
        existing.symbol().equals(request.symbol())
            && existing.side() == request.side()
            && existing.quantity().compareTo(request.quantity()) == 0
            && existing.reduceOnly() == request.reduceOnly();
    if (same) {
      return existing;
    }
    throw new RejectedException(
        "duplicate-client-id",
        "client id "
            + request.clientOrderId()
            + " already names order "
            + existing.orderId()
            + " ("
            + existing.side()
            + " "
            + existing.quantity().toPlainString()
            + (existing.reduceOnly() ? " reduce-only" : "")
            + "); a new order needs a new id");
  }

  private void ensureLeverage(Symbol symbol) {
    OptionalInt leverage = config.leverageFor(symbol);
    if (leverage.isEmpty() || leverageSet.contains(symbol)) {
      return;
    }
    String lev = Integer.toString(leverage.getAsInt());
    JsonObject body = new JsonObject();
    body.addProperty("category", Calls.LINEAR);
    body.addProperty("symbol", symbol.value());
    body.addProperty("buyLeverage", lev);
    body.addProperty("sellLeverage", lev);
    // 110043 "not modified" is the venue saying it is already so.
    calls.http().post("/v5/position/set-leverage", body.toString());
    leverageSet.add(symbol);
  }

  private static String createBody(MarketOrderRequest r) {
    JsonObject body = new JsonObject();
    body.addProperty("category", Calls.LINEAR);
    body.addProperty("symbol", r.symbol().value());
    body.addProperty("side", Rest.wire(r.side()));
    body.addProperty("orderType", "Market");
    body.addProperty("qty", r.quantity().toPlainString());
    body.addProperty("positionIdx", 0);
    body.addProperty("orderLinkId", r.clientOrderId().value());
    body.addProperty("reduceOnly", r.reduceOnly());
    return body.toString();
  }

  private static String orderKey(ClientOrderId id) {
    return "order:" + id.value();
  }

  @Override
  public void close() {
    calls.http().close();
  }
}
