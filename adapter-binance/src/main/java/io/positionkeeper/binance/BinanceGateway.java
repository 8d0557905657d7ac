package io.positionkeeper.binance;

import io.positionkeeper.binance.auth.Credentials;
import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.http.BinanceHttp;
import io.positionkeeper.binance.http.BinanceRestClient;
import io.positionkeeper.binance.http.RequestKind;
import io.positionkeeper.binance.parse.PortMapper;
import io.positionkeeper.binance.parse.Wire;
import io.positionkeeper.binance.parse.WireFormatException;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.MarkPrice;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExchangeGateway} for Binance USDⓈ-M futures in one-way position mode: REST over {@code
 * java.net.http}, stop-losses as algo {@code STOP_MARKET closePosition=true workingType=MARK_PRICE
 * priceProtect=TRUE} orders (the only way since the 2025-12-09 algo migration).
 */
public final class BinanceGateway implements ExchangeGateway, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BinanceGateway.class);

  static final String DUPLICATE_CLIENT_ID = "-4116";
  static final String NO_SUCH_ORDER = "-2013";
  static final String UNKNOWN_ORDER = "-2011";
  static final String INVALID_SYMBOL = "-1121";
  static final int TRADE_HISTORY_LIMIT = 1000;

  /** A missing symbol triggers a refresh of the cached rules at most this often. */
  private static final Duration MISSING_SYMBOL_REFRESH = Duration.ofMinutes(1);

  private record Rules(
      Map<Symbol, InstrumentRules> tradable, Map<String, String> notTradable, Instant fetchedAt) {}

  private final BinanceConfig config;
  private final Clock clock;
  private final BinanceHttp http;
  private final BinanceRestClient rest;
  private volatile Rules rules;

  /** A gateway on the wall clock. */
  public BinanceGateway(BinanceConfig config, Credentials credentials) {
    this(config, credentials, Clock.system());
  }

  /** A gateway whose timestamps and rate-limit waits follow {@code clock}. */
  public BinanceGateway(BinanceConfig config, Credentials credentials, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.http = new BinanceHttp(config, credentials, clock);
    this.rest = new BinanceRestClient(http);
  }

  BinanceRestClient rest() {
    return rest;
  }

  BinanceConfig config() {
    return config;
  }

  Clock clock() {
    return clock;
  }

  @Override
  public Exchange exchange() {
    return Exchange.BINANCE;
  }

  @Override
  public List<InstrumentRules> instruments() {
    return List.copyOf(rules(false).tradable.values());
  }

  @Override
  public InstrumentRules instrument(Symbol symbol) {
    Rules current = rules(false);
    InstrumentRules found = current.tradable.get(symbol);
    if (found == null
        && Duration.between(current.fetchedAt, clock.now()).compareTo(MISSING_SYMBOL_REFRESH)
            >= 0) {
      current = rules(true); // a new listing appears without waiting for the cache to expire
      found = current.tradable.get(symbol);
    }
    if (found != null) {
      return found;
    }
    String why = current.notTradable.get(symbol.value());
    if (why != null) {
      throw new RejectedException(INVALID_SYMBOL, symbol + " is not tradable: " + why);
    }
    throw new RejectedException(INVALID_SYMBOL, symbol + " is not listed on Binance USDⓈ-M");
  }

  private Rules rules(boolean force) {
    Rules current = rules;
    if (!force
        && current != null
        && Duration.between(current.fetchedAt, clock.now()).compareTo(config.exchangeInfoTtl())
            < 0) {
      return current;
    }
    Wire.ExchangeInfo info = rest.exchangeInfo();
    Map<Symbol, InstrumentRules> tradable = new LinkedHashMap<>();
    Map<String, String> notTradable = new LinkedHashMap<>(info.unreadable());
    for (Wire.SymbolRules s : info.symbols()) {
      if (!s.contractType().equals("PERPETUAL")) {
        notTradable.put(s.symbol(), "contract type " + s.contractType() + ", not PERPETUAL");
      } else if (!s.status().equals("TRADING")) {
        notTradable.put(s.symbol(), "status " + s.status());
      } else {
        try {
          InstrumentRules r = PortMapper.rules(s);
          tradable.put(r.symbol(), r);
        } catch (WireFormatException e) {
          notTradable.put(s.symbol(), "unreadable rules: " + e.getMessage());
        }
      }
    }
    info.unreadable()
        .forEach(
            (symbol, why) -> log.warn("exchangeInfo: rules of {} unreadable: {}", symbol, why));
    Rules fresh = new Rules(Map.copyOf(tradable), Map.copyOf(notTradable), clock.now());
    rules = fresh;
    return fresh;
  }

  @Override
  public OrderReport placeMarketOrder(MarketOrderRequest request) {
    Objects.requireNonNull(request, "request");
    Wire.Order placed;
    try {
      placed =
          rest.newMarketOrder(
              request.symbol().value(),
              PortMapper.wireSide(request.side()),
              request.quantity(),
              request.clientOrderId().value(),
              request.reduceOnly());
    } catch (RejectedException e) {
      if (!e.code().equals(DUPLICATE_CLIENT_ID)) {
        throw e;
      }
      // The id is taken: an earlier attempt of this very order landed. Report that order.
      log.info(
          "market order {} already exists (-4116); reporting the first attempt",
          request.clientOrderId());
      return queryOrder(request.symbol(), request.clientOrderId())
          .orElseThrow(
              () ->
                  new OutcomeUnknownException(
                      "order "
                          + request.clientOrderId()
                          + " is reported as a duplicate but cannot be found; query again",
                      e));
    }
    OrderReport report =
        mapped(RequestKind.ORDER, "new order", () -> PortMapper.orderReport(placed));
    log.debug(
        "market order {} {} {}: {} filled {} at {}",
        report.clientOrderId(),
        report.side(),
        report.symbol(),
        report.status(),
        report.filledQuantity().toPlainString(),
        report.averagePrice().toPlainString());
    return report;
  }

  @Override
  public Optional<OrderReport> queryOrder(Symbol symbol, ClientOrderId clientOrderId) {
    Wire.Order order;
    try {
      order = rest.queryOrder(symbol.value(), clientOrderId.value());
    } catch (RejectedException e) {
      if (e.code().equals(NO_SUCH_ORDER) || e.code().equals(UNKNOWN_ORDER)) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(
        mapped(RequestKind.READ, "query order", () -> PortMapper.orderReport(order)));
  }

  @Override
  public OrderReport cancelOrder(Symbol symbol, ClientOrderId clientOrderId) {
    Wire.Order order;
    try {
      order = rest.cancelOrder(symbol.value(), clientOrderId.value());
    } catch (RejectedException e) {
      if (!e.code().equals(UNKNOWN_ORDER) && !e.code().equals(NO_SUCH_ORDER)) {
        throw e;
      }
      // -2011 also answers a cancel of an order that is already final (a filled market order):
      // report its final state when it exists.
      Optional<OrderReport> existing = queryOrder(symbol, clientOrderId);
      if (existing.isPresent() && existing.get().status().isFinal()) {
        return existing.get();
      }
      throw e;
    }
    return mapped(RequestKind.CANCEL, "cancel order", () -> PortMapper.orderReport(order));
  }

  @Override
  public StopOrder placeStopLoss(StopLossRequest request) {
    Objects.requireNonNull(request, "request");
    Side side = request.positionSide().exitSide();
    Wire.AlgoOrder placed;
    try {
      placed =
          rest.newClosePositionStop(
              request.symbol().value(),
              PortMapper.wireSide(side),
              request.triggerPrice(),
              request.clientId().value());
    } catch (RejectedException e) {
      if (!e.code().equals(DUPLICATE_CLIENT_ID)) {
        throw e;
      }
      return sameStopOrThrow(request, e);
    }
    StopOrder stop =
        mapped(RequestKind.ORDER, "new algo order", () -> PortMapper.stopOrder(placed));
    log.debug(
        "stop-loss {} {} {} at {}: {}",
        stop.clientId(),
        stop.positionSide(),
        stop.symbol(),
        stop.triggerPrice().toPlainString(),
        stop.status());
    return stop;
  }

  /**
   * After -4116 on a stop: an earlier attempt of this same request landed when the working stop
   * with that id has the same symbol, side and trigger; anything else is a real id clash.
   */
  private StopOrder sameStopOrThrow(StopLossRequest request, RejectedException duplicate) {
    Wire.AlgoOrder existing;
    try {
      existing = rest.queryAlgoOrder(request.clientId().value());
    } catch (RejectedException e) {
      throw duplicate;
    }
    StopOrder stop =
        mapped(RequestKind.READ, "query algo order", () -> PortMapper.stopOrder(existing));
    boolean same =
        stop.symbol().equals(request.symbol())
            && stop.positionSide() == request.positionSide()
            && stop.triggerPrice().compareTo(request.triggerPrice()) == 0
            && !stop.status().isFinal();
    if (!same) {
      throw duplicate;
    }
    log.info("stop-loss {} already working (-4116); reporting the first attempt", stop.clientId());
    return stop;
  }

  @Override
  public StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(replacement, "replacement");
    if (!current.symbol().equals(replacement.symbol())
        || current.positionSide() != replacement.positionSide()) {
      throw new IllegalArgumentException(
          "a stop moves on its own symbol and side: "
              + current.symbol()
              + "/"
              + current.positionSide()
              + " vs "
              + replacement.symbol()
              + "/"
              + replacement.positionSide());
    }
    if (current.clientId().equals(replacement.clientId())) {
      throw new IllegalArgumentException(
          "the replacement needs its own client id (algo orders cannot be amended, the old one is"
              + " cancelled after the new one is placed): "
              + current.clientId());
    }
    // Algo orders cannot be amended: place the replacement first, so the position is protected
    // throughout, then cancel the old one. If placing fails the old stop still stands.
    StopOrder placed = placeStopLoss(replacement);
    try {
      cancelStopLoss(current.symbol(), current.clientId());
    } catch (PortException e) {
      throw new OutcomeUnknownException(
          "replacement stop "
              + placed.clientId()
              + " at "
              + placed.triggerPrice().toPlainString()
              + " is working, but cancelling the old stop "
              + current.clientId()
              + " failed ("
              + e.getMessage()
              + "); both may be working: list the open stops",
          e);
    }
    return placed;
  }

  @Override
  public void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId) {
    Wire.AlgoCancel answer;
    try {
      answer = rest.cancelAlgoOrder(stopClientId.value());
    } catch (RejectedException e) {
      if (e.code().equals(UNKNOWN_ORDER) || e.code().equals(NO_SUCH_ORDER)) {
        log.debug("stop-loss {} on {} already gone ({})", stopClientId, symbol, e.code());
        return;
      }
      throw e;
    }
    if (!answer.code().equals("200")) {
      throw new RejectedException(answer.code(), answer.msg());
    }
  }

  @Override
  public List<StopOrder> openStopLosses(Symbol symbol) {
    Wire.Rows<Wire.AlgoOrder> rows = rest.openAlgoOrders(symbol.value());
    List<String> problems = new ArrayList<>(rows.problems());
    List<StopOrder> stops = new ArrayList<>();
    for (Wire.AlgoOrder a : rows.rows()) {
      // Only stop-losses: a STOP_MARKET that can only reduce. Take-profits, trailing stops and
      // entry stops are not the port's stop-losses.
      if (!a.orderType().equals("STOP_MARKET") || !(a.closePosition() || a.reduceOnly())) {
        continue;
      }
      try {
        stops.add(PortMapper.stopOrder(a));
      } catch (WireFormatException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      // A list with a stop missing could make the caller think a position is unprotected.
      throw new RetryableException(
          "open algo orders of " + symbol + " partly unreadable: " + String.join("; ", problems));
    }
    return List.copyOf(stops);
  }

  @Override
  public PositionSnapshot positions() {
    Wire.Rows<Wire.Position> rows = rest.positionRisk();
    Instant takenAt = http.serverClock().now();
    List<String> problems = new ArrayList<>(rows.problems());
    List<ExchangePosition> positions = new ArrayList<>();
    for (Wire.Position row : rows.rows()) {
      if (row.positionAmt().signum() == 0) {
        continue; // flat: filtered on the raw size field, never on a derived one
      }
      if (!row.positionSide().equals("BOTH")) {
        problems.add(
            row.symbol()
                + " has a hedge-mode row (positionSide "
                + row.positionSide()
                + "); the account must be in one-way mode");
        continue;
      }
      try {
        positions.add(PortMapper.position(row));
      } catch (WireFormatException e) {
        problems.add(e.getMessage());
      }
    }
    if (problems.isEmpty()) {
      return new PositionSnapshot.Complete(Exchange.BINANCE, positions, takenAt);
    }
    String reason = String.join("; ", problems);
    log.warn("position snapshot incomplete: {}", reason);
    return new PositionSnapshot.Incomplete(Exchange.BINANCE, positions, reason, takenAt);
  }

  @Override
  public Optional<ExchangeOrderId> openingOrderId(Symbol symbol, PositionSide side) {
    PositionSnapshot snapshot = positions();
    Optional<ExchangePosition> position = snapshot.find(symbol);
    if (position.isEmpty() && snapshot instanceof PositionSnapshot.Incomplete i) {
      throw new RetryableException("cannot tell the position of " + symbol + ": " + i.reason());
    }
    if (position.isEmpty() || position.get().side().orElse(null) != side) {
      return Optional.empty();
    }
    Wire.Rows<Wire.UserTrade> trades = rest.userTrades(symbol.value(), TRADE_HISTORY_LIMIT);
    if (!trades.complete()) {
      throw new RetryableException(
          "trade history of "
              + symbol
              + " partly unreadable: "
              + String.join("; ", trades.problems()));
    }
    List<Wire.UserTrade> history = new ArrayList<>(trades.rows());
    history.sort(
        Comparator.comparingLong(Wire.UserTrade::time).thenComparingLong(Wire.UserTrade::id));
    // Walk back from the current size: the opening fill is the one before which the position
    // was flat or on the other side.
    BigDecimal size = position.get().signedSize();
    for (int i = history.size() - 1; i >= 0; i--) {
      Wire.UserTrade t = history.get(i);
      BigDecimal delta =
          switch (PortMapper.side(t.side())) {
            case BUY -> t.qty();
            case SELL -> t.qty().negate();
          };
      BigDecimal before = size.subtract(delta);
      if (before.signum() != side.sign()) {
        return Optional.of(ExchangeOrderId.of(t.orderId()));
      }
      size = before;
    }
    log.info(
        "opening order of {} {} not in the last {} fills of the trade history",
        side,
        symbol,
        history.size());
    return Optional.empty();
  }

  @Override
  public MarkPrice markPrice(Symbol symbol) {
    Wire.PremiumIndex index = rest.premiumIndex(symbol.value());
    return mapped(RequestKind.READ, "mark price", () -> PortMapper.markPrice(index));
  }

  @Override
  public Instant serverTime() {
    return Instant.ofEpochMilli(rest.serverTime());
  }

  /** Releases the HTTP client. */
  @Override
  public void close() {
    http.close();
  }

  private static <T> T mapped(RequestKind kind, String what, Supplier<T> mapping) {
    try {
      return mapping.get();
    } catch (WireFormatException e) {
      String message = what + ": answer not usable: " + e.getMessage();
      if (kind.mutates()) {
        throw new OutcomeUnknownException(message + "; query before retrying", e);
      }
      throw new RetryableException(message, e);
    }
  }

  @Override
  public String toString() {
    return "BinanceGateway[" + config.restBaseUrl() + "]";
  }
}
