package io.positionkeeper.binance;

import io.positionkeeper.binance.auth.Credentials;
import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.binance.http.BinanceHttp;
import io.positionkeeper.binance.http.BinanceRestClient;
import io.positionkeeper.binance.http.RequestKind;
import io.positionkeeper.binance.parse.OwnStops;
import io.positionkeeper.binance.parse.PortMapper;
import io.positionkeeper.binance.parse.Wire;
import io.positionkeeper.binance.parse.WireFormatException;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.MarkPrice;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExchangeGateway} for Binance USDⓈ-M futures in one-way position mode: REST over {@code
 * java.net.http}, stop-losses as algo {@code STOP_MARKET closePosition=true workingType=MARK_PRICE}
 * orders (the only way since the 2025-12-09 algo migration), {@code priceProtect} as {@link
 * TradingSettings} say. Every order's client id is looked up before it is sent (see {@link
 * #placeMarketOrder}).
 */
public final class BinanceGateway implements ExchangeGateway, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BinanceGateway.class);

  static final String DUPLICATE_CLIENT_ID = "-4116";
  static final String NO_SUCH_ORDER = "-2013";
  static final String UNKNOWN_ORDER = "-2011";
  static final String INVALID_SYMBOL = "-1121";
  static final String STOP_TRIGGERING = "-4117";
  static final String WOULD_TRIGGER = "-2021";
  static final String MARGIN_TYPE_UNCHANGED = "-4046";
  static final String HEDGE_MODE = "HEDGE_MODE";
  static final String CLIENT_ID_USED = "CLIENT_ID_USED";
  static final int TRADE_HISTORY_LIMIT = 1000;

  /** The longest {@code startTime}..{@code endTime} window of {@code userTrades}: 7 days. */
  static final long TRADE_WINDOW_MILLIS = Duration.ofDays(7).toMillis();

  /**
   * How far past the estimated server time the last trade window reaches: the estimate can lag the
   * venue's clock by the error of its measurement, and a fill stamped in that gap must be seen.
   */
  static final long TRADE_WINDOW_END_MARGIN_MILLIS = Duration.ofMinutes(1).toMillis();

  /** {@code userTrades} covers the past 3 months only (change log 2026-08-26). */
  static final int TRADE_HISTORY_MONTHS = 3;

  /** A missing symbol triggers a refresh of the cached rules at most this often. */
  private static final Duration MISSING_SYMBOL_REFRESH = Duration.ofMinutes(1);

  private record Rules(
      Map<Symbol, InstrumentRules> tradable, Map<String, String> notTradable, Instant fetchedAt) {}

  private final BinanceConfig config;
  private final TradingSettings settings;
  private final Clock clock;
  private final BinanceHttp http;
  private final BinanceRestClient rest;
  private final ClientIds ids;
  private volatile Rules rules;

  /** A gateway on the wall clock. */
  public BinanceGateway(BinanceConfig config, Credentials credentials) {
    this(config, credentials, Clock.system());
  }

  /** A gateway whose timestamps and rate-limit waits follow {@code clock}. */
  public BinanceGateway(BinanceConfig config, Credentials credentials, Clock clock) {
    this(config, credentials, clock, TradingSettings.defaults());
  }

  /** A gateway with its own trading settings (price protection, absence proof, per symbol). */
  public BinanceGateway(
      BinanceConfig config, Credentials credentials, Clock clock, TradingSettings settings) {
    this.config = Objects.requireNonNull(config, "config");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.http = new BinanceHttp(config, credentials, clock);
    this.rest = new BinanceRestClient(http);
    this.ids =
        new ClientIds(
            rest, new InDoubt(clock, settings.absenceQueries(), settings.absenceWindow()));
  }

  TradingSettings settings() {
    return settings;
  }

  /**
   * A gateway on an account made ready by {@link #prepareAccount()}; closed again when that
   * refuses.
   */
  public static BinanceGateway open(
      BinanceConfig config, Credentials credentials, Clock clock, TradingSettings settings) {
    return open(config, credentials, clock, settings, next -> {});
  }

  /**
   * As {@link #open(BinanceConfig, Credentials, Clock, TradingSettings)}, with {@code beforeWrite}
   * asked before each write of the account's set-up (see {@link #prepareAccount(Consumer)}).
   */
  public static BinanceGateway open(
      BinanceConfig config,
      Credentials credentials,
      Clock clock,
      TradingSettings settings,
      Consumer<String> beforeWrite) {
    BinanceGateway gateway = new BinanceGateway(config, credentials, clock, settings);
    try {
      gateway.prepareAccount(beforeWrite);
      return gateway;
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  /**
   * Checks and sets the account before any order: refuses a hedge-mode account (with how to
   * switch), refuses configured symbols that are not tradable around the clock (TradFi perpetuals,
   * unknown contract types), and sets each configured symbol's leverage and margin type (-4046, "no
   * need to change", is success). Safe to call again.
   */
  public AccountSetup prepareAccount() {
    return prepareAccount(next -> {});
  }

  /**
   * As {@link #prepareAccount()}, with {@code beforeWrite} told what is set next before each write
   * (leverage, margin type): a caller that may lose the right to act for the account on the way (a
   * runner's lease) throws there, and nothing more is set.
   */
  public AccountSetup prepareAccount(Consumer<String> beforeWrite) {
    Objects.requireNonNull(beforeWrite, "beforeWrite");
    if (rest.dualSidePosition()) {
      throw new RejectedException(
          HEDGE_MODE,
          "the Binance account is in hedge mode (dual-side positions); this keeper trades in"
              + " one-way mode only. Switch it with no position and no open order on the account:"
              + " in the web UI under Preferences > Position Mode > One-way Mode, or with POST"
              + " /fapi/v1/positionSide/dual dualSidePosition=false");
    }
    for (Symbol symbol : settings.symbols().keySet()) {
      instrument(symbol); // refuses a symbol that is not tradable before anything is set
    }
    settings
        .symbols()
        .forEach(
            (symbol, wanted) -> {
              beforeWrite.accept("set the leverage of " + symbol);
              int set = rest.changeLeverage(symbol.value(), wanted.leverage());
              if (set != wanted.leverage()) {
                throw new RejectedException(
                    "LEVERAGE_NOT_SET",
                    symbol + ": leverage " + wanted.leverage() + " asked, venue set " + set);
              }
              beforeWrite.accept("set the margin type of " + symbol);
              try {
                rest.changeMarginType(symbol.value(), wanted.marginType().name());
              } catch (RejectedException e) {
                if (!e.code().equals(MARGIN_TYPE_UNCHANGED)) {
                  throw e;
                }
              }
              log.info(
                  "{}: leverage {}x, margin {}", symbol, wanted.leverage(), wanted.marginType());
            });
    return new AccountSetup(settings.symbols());
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

  /**
   * Refuses an order on a symbol that is not tradable (not listed, not a 24/7 perpetual, an unknown
   * contract type) before anything is sent. Rules already read are used whatever their age: a
   * symbol's contract type does not change, and a refresh must not hold back a closing order.
   */
  private void requireTradable(Symbol symbol) {
    Rules current = rules;
    if (current != null && current.tradable.containsKey(symbol)) {
      return;
    }
    instrument(symbol);
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
        // TRADIFI_PERPETUAL trades in sessions, not around the clock: a stop there may not fire
        // when the price gaps over it. Any other or unknown contract type is refused the same way.
        notTradable.put(
            s.symbol(),
            "contract type "
                + (s.contractType().isEmpty() ? "(none)" : s.contractType())
                + "; only PERPETUAL contracts, which trade around the clock, are supported");
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

  /**
   * One order per client id: the id is looked up first and an order the venue already has is
   * reported instead of sending another (Binance frees the id of a filled order, so sending it
   * again would open twice); while an earlier attempt with the id is in doubt nothing is sent.
   */
  @Override
  public OrderReport placeMarketOrder(MarketOrderRequest request) {
    Objects.requireNonNull(request, "request");
    requireTradable(request.symbol());
    String id = request.clientOrderId().value();
    Optional<OrderReport> earlier =
        ids.order(request.symbol(), request.clientOrderId(), RequestKind.ORDER_LOOKUP);
    if (earlier.isPresent()) {
      return ClientIds.sameOrderOrThrow(request, earlier.get());
    }
    Wire.Order placed;
    try {
      placed =
          rest.newMarketOrder(
              request.symbol().value(),
              PortMapper.wireSide(request.side()),
              request.quantity(),
              id,
              request.reduceOnly());
    } catch (OutcomeUnknownException e) {
      ids.doubts().ambiguous(InDoubt.Space.ORDER, request.symbol().value(), id);
      throw e;
    } catch (RejectedException e) {
      if (!e.code().equals(DUPLICATE_CLIENT_ID)) {
        throw e;
      }
      // An open order holds the id: an attempt of this very order landed since the look-up.
      log.info("market order {} already exists (-4116); reporting the first attempt", id);
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

  /**
   * Empty only when the venue has no such order and nothing says it may still land: after an
   * ambiguous answer to an order with this id, "no such order" stays {@link
   * OutcomeUnknownException} until the absence proof of {@link TradingSettings} is complete.
   */
  @Override
  public Optional<OrderReport> queryOrder(Symbol symbol, ClientOrderId clientOrderId) {
    return ids.order(symbol, clientOrderId, RequestKind.READ);
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

  /**
   * One stop per client id, as for market orders: the id is looked up first. A working stop with
   * the same symbol, side and trigger is this request's earlier attempt and is reported; a stop
   * with the id that is no longer working (cancelled, triggered) or differs is a clash: sending
   * again would place a second stop, so the request is refused.
   */
  @Override
  public StopOrder placeStopLoss(StopLossRequest request) {
    Objects.requireNonNull(request, "request");
    requireTradable(request.symbol());
    String id = request.clientId().value();
    Optional<StopOrder> earlier = ids.stop(id);
    if (earlier.isPresent()) {
      return ClientIds.sameStopOrThrow(request, earlier.get(), null);
    }
    Side side = request.positionSide().exitSide();
    Wire.AlgoOrder placed;
    try {
      placed =
          rest.newClosePositionStop(
              request.symbol().value(),
              PortMapper.wireSide(side),
              request.triggerPrice(),
              id,
              settings.priceProtect());
    } catch (OutcomeUnknownException e) {
      ids.doubts().ambiguous(InDoubt.Space.ALGO, request.symbol().value(), id);
      throw e;
    } catch (RejectedException e) {
      if (e.code().equals(WOULD_TRIGGER)) {
        // The venue's mark is already beyond the trigger: the caller learns the level is crossed.
        throw new StopWouldTriggerException(e.code(), e.reason(), e);
      }
      if (!e.code().equals(DUPLICATE_CLIENT_ID)) {
        throw e;
      }
      Optional<StopOrder> existing = ids.stop(id);
      if (existing.isEmpty()) {
        throw e;
      }
      return ClientIds.sameStopOrThrow(request, existing.get(), e);
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

  /**
   * Cancels a stop. -2011/-2013 counts as "already gone" only once the open algo orders of the
   * symbol confirm it (the venue can answer so while the stop is still listed, e.g. lagging after
   * an ambiguous placement); -4117 (the stop is triggering) is {@link RetryableException}: what is
   * left afterwards tells whether it fired.
   */
  @Override
  public void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId) {
    Wire.AlgoCancel answer;
    try {
      answer = rest.cancelAlgoOrder(stopClientId.value());
    } catch (RejectedException e) {
      if (e.code().equals(STOP_TRIGGERING)) {
        throw new RetryableException(
            "stop-loss " + stopClientId + " on " + symbol + " is triggering (-4117); look again",
            e);
      }
      if (e.code().equals(UNKNOWN_ORDER) || e.code().equals(NO_SUCH_ORDER)) {
        confirmGone(symbol, stopClientId, e);
        return;
      }
      throw e;
    }
    if (!answer.code().equals("200")) {
      throw new RejectedException(answer.code(), answer.msg());
    }
  }

  private void confirmGone(Symbol symbol, ClientOrderId stopClientId, RejectedException refusal) {
    Wire.Rows<Wire.AlgoOrder> open = rest.openAlgoOrders(symbol.value());
    boolean listed =
        open.rows().stream().anyMatch(a -> a.clientAlgoId().equals(stopClientId.value()));
    if (listed) {
      throw new RetryableException(
          "cancel of stop-loss "
              + stopClientId
              + " on "
              + symbol
              + " answered "
              + refusal.code()
              + " but the stop is still listed as open; cancel again",
          refusal);
    }
    if (!open.complete()) {
      throw new RetryableException(
          "cancel of stop-loss "
              + stopClientId
              + " answered "
              + refusal.code()
              + "; the open algo orders of "
              + symbol
              + " that would confirm it are partly unreadable: "
              + String.join("; ", open.problems()),
          refusal);
    }
    if (ids.doubts().isInDoubt(InDoubt.Space.ALGO, stopClientId.value())) {
      throw new OutcomeUnknownException(
          "stop-loss "
              + stopClientId
              + " is neither cancellable nor listed, but its placement is in doubt and it may"
              + " still appear; cancel again later",
          refusal);
    }
    log.debug("stop-loss {} on {} already gone ({})", stopClientId, symbol, refusal.code());
  }

  /**
   * The stop-losses of this adapter's kind working on a symbol; while a stop placed on it is in
   * doubt and not listed, {@link OutcomeUnknownException} until its absence is proven.
   */
  @Override
  public List<StopOrder> openStopLosses(Symbol symbol) {
    List<StopOrder> stops =
        new ArrayList<>(OwnStops.stopLosses(symbol, rest.openAlgoOrders(symbol.value())));
    for (String doubtful : ids.doubts().inDoubt(InDoubt.Space.ALGO, symbol.value())) {
      boolean listed = stops.stream().anyMatch(s -> s.clientId().value().equals(doubtful));
      if (!listed) {
        // Looks the stop up by id: once it shows it is no longer in doubt, wherever it is.
        ids.stop(doubtful)
            .filter(s -> s.symbol().equals(symbol) && !s.status().isFinal())
            .ifPresent(stops::add);
      }
    }
    return List.copyOf(stops);
  }

  /**
   * The stop-losses of this adapter's kind working on every symbol, from one {@code GET
   * /fapi/v1/openAlgoOrders} without a symbol (weight 40, against 1 per symbol); a stop in doubt
   * and not listed is looked up by id as in {@link #openStopLosses}, and while it stays in doubt
   * the call is {@link OutcomeUnknownException}.
   */
  @Override
  public List<StopOrder> allOpenStopLosses() {
    List<StopOrder> stops = new ArrayList<>(OwnStops.allStopLosses(rest.allOpenAlgoOrders()));
    for (String doubtful : ids.doubts().inDoubt(InDoubt.Space.ALGO)) {
      boolean listed = stops.stream().anyMatch(s -> s.clientId().value().equals(doubtful));
      if (!listed) {
        ids.stop(doubtful).filter(s -> !s.status().isFinal()).ifPresent(stops::add);
      }
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

  /**
   * Reads the fills after {@code since} from {@code GET /fapi/v1/userTrades} in consecutive windows
   * of at most 7 days (the venue's limit) up to now, starting no earlier than 3 months ago (all the
   * venue keeps: a fill older than that cannot be seen, and the exit's quantity then falls short of
   * the position's). A window whose answer is full (1000 fills) is split in halves until each half
   * answers in full, so nothing depends on which fills the venue leaves out of a full answer.
   *
   * <p>Which fills reduced a position of {@code side} is worked out from the current size (position
   * risk, read before and after the history; a change between the two reads is a {@link
   * RetryableException}) walking the fills back, as {@link #openingOrderId} does: a SELL fill
   * reduces a long by as much as the long held before it, a BUY fill a short. So a fill that flips
   * the position counts with its reducing part only, and a close exactly at the entry price (which
   * realizes zero) still counts. The realized PnL is the venue's {@code realizedPnl} of those fills
   * (the whole of it: only the reducing part of a fill realizes any). The closing client id is the
   * last reducing fill's order's {@code clientOrderId} from {@code GET /fapi/v1/order?orderId=},
   * empty when the venue no longer knows the order (-2013/-2011; it forgets some after 3 days, all
   * after 90) or its id is not one the port accepts.
   */
  @Override
  public Optional<PositionExit> exitSince(Symbol symbol, PositionSide side, Instant since) {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(since, "since");
    Optional<ExchangePosition> before = positionRow(symbol);
    Instant now = http.serverClock().now();
    long horizon =
        now.atZone(ZoneOffset.UTC).minusMonths(TRADE_HISTORY_MONTHS).toInstant().toEpochMilli();
    long from = Math.max(since.toEpochMilli() + 1, horizon);
    if (since.toEpochMilli() + 1 < horizon) {
      log.info(
          "exit of {} {} since {}: the trade history reaches back to {} only",
          side,
          symbol,
          since,
          Instant.ofEpochMilli(horizon));
    }
    long to = now.toEpochMilli() + TRADE_WINDOW_END_MARGIN_MILLIS;
    Map<Long, Wire.UserTrade> byId = new LinkedHashMap<>();
    for (long start = from; start <= to; start += TRADE_WINDOW_MILLIS) {
      readTrades(symbol, start, Math.min(start + TRADE_WINDOW_MILLIS - 1, to), byId);
    }
    Optional<ExchangePosition> after = positionRow(symbol);
    if (!sameRow(before, after)) {
      throw new RetryableException(
          "the position of " + symbol + " changed while its trade history was read; read again");
    }
    List<Wire.UserTrade> history = new ArrayList<>(byId.values());
    history.removeIf(t -> !PortMapper.time(t.time()).isAfter(since));
    history.sort(
        Comparator.comparingLong(Wire.UserTrade::time).thenComparingLong(Wire.UserTrade::id));
    BigDecimal size = after.map(ExchangePosition::signedSize).orElse(BigDecimal.ZERO);
    // The reducing fills, newest first, each with whether it left the position flat or turned.
    List<Wire.UserTrade> reducing = new ArrayList<>();
    List<BigDecimal> reducedBy = new ArrayList<>();
    List<Boolean> ended = new ArrayList<>();
    for (int i = history.size() - 1; i >= 0; i--) {
      Wire.UserTrade t = history.get(i);
      if (!t.positionSide().equals("BOTH")) {
        throw new RetryableException(
            "trade "
                + t.id()
                + " of "
                + symbol
                + " is a hedge-mode fill (positionSide "
                + t.positionSide()
                + "); the account must be in one-way mode");
      }
      Side tradeSide = mapped(RequestKind.READ, "user trade", () -> PortMapper.side(t.side()));
      BigDecimal delta =
          switch (tradeSide) {
            case BUY -> t.qty();
            case SELL -> t.qty().negate();
          };
      BigDecimal held = size.subtract(delta); // the signed size before this fill
      BigDecimal left = size; // the signed size after it
      size = held;
      if (tradeSide != side.exitSide() || held.signum() != side.sign()) {
        continue;
      }
      reducing.add(t);
      reducedBy.add(t.qty().min(held.abs()));
      ended.add(left.signum() != side.sign());
    }
    // One position only: from the oldest reducing fill to the one that left the venue flat.
    BigDecimal quantity = BigDecimal.ZERO;
    BigDecimal notional = BigDecimal.ZERO;
    BigDecimal pnl = BigDecimal.ZERO;
    Wire.UserTrade last = null;
    for (int i = reducing.size() - 1; i >= 0; i--) {
      Wire.UserTrade t = reducing.get(i);
      quantity = quantity.add(reducedBy.get(i));
      notional = notional.add(reducedBy.get(i).multiply(t.price()));
      pnl = pnl.add(t.realizedPnl());
      last = t;
      if (ended.get(i)) {
        break;
      }
    }
    if (last == null) {
      return Optional.empty();
    }
    Optional<ClientOrderId> closingClientId = clientIdOfOrder(symbol, last.orderId());
    BigDecimal totalQuantity = quantity;
    BigDecimal averagePrice = notional.divide(quantity, MathContext.DECIMAL128);
    BigDecimal realized = pnl;
    long lastTime = last.time();
    return Optional.of(
        mapped(
            RequestKind.READ,
            "position exit",
            () ->
                PortMapper.positionExit(
                    symbol.value(),
                    side,
                    totalQuantity,
                    averagePrice,
                    realized,
                    closingClientId,
                    lastTime)));
  }

  /** The symbol's row of the position list; a row an incomplete list lacks is an error. */
  private Optional<ExchangePosition> positionRow(Symbol symbol) {
    PositionSnapshot snapshot = positions();
    Optional<ExchangePosition> row = snapshot.find(symbol);
    if (row.isEmpty() && snapshot instanceof PositionSnapshot.Incomplete i) {
      throw new RetryableException("cannot tell the position of " + symbol + ": " + i.reason());
    }
    return row;
  }

  private static boolean sameRow(Optional<ExchangePosition> a, Optional<ExchangePosition> b) {
    BigDecimal sizeA = a.map(ExchangePosition::signedSize).orElse(BigDecimal.ZERO);
    BigDecimal sizeB = b.map(ExchangePosition::signedSize).orElse(BigDecimal.ZERO);
    return sizeA.compareTo(sizeB) == 0
        && a.map(ExchangePosition::updatedAt).equals(b.map(ExchangePosition::updatedAt));
  }

  /** Adds the fills of {@code [start, end]} (epoch ms), splitting the window while it is full. */
  private void readTrades(Symbol symbol, long start, long end, Map<Long, Wire.UserTrade> into) {
    Wire.Rows<Wire.UserTrade> page =
        rest.userTrades(symbol.value(), start, end, TRADE_HISTORY_LIMIT);
    if (!page.complete()) {
      throw new RetryableException(
          "trade history of "
              + symbol
              + " partly unreadable: "
              + String.join("; ", page.problems()));
    }
    if (page.rows().size() < TRADE_HISTORY_LIMIT) {
      page.rows().forEach(t -> into.put(t.id(), t));
      return;
    }
    if (start == end) {
      throw new RetryableException(
          "trade history of "
              + symbol
              + " holds "
              + TRADE_HISTORY_LIMIT
              + " or more fills in the millisecond "
              + start
              + "; it cannot be read whole");
    }
    long middle = start + (end - start) / 2;
    readTrades(symbol, start, middle, into);
    readTrades(symbol, middle + 1, end, into);
  }

  /** The client id of an order by its venue id; empty when the venue does not know the order. */
  private Optional<ClientOrderId> clientIdOfOrder(Symbol symbol, long orderId) {
    Wire.Order order;
    try {
      order = rest.queryOrder(symbol.value(), orderId);
    } catch (RejectedException e) {
      if (e.code().equals(NO_SUCH_ORDER) || e.code().equals(UNKNOWN_ORDER)) {
        log.info("order {} of {} is no longer known to the venue ({})", orderId, symbol, e.code());
        return Optional.empty();
      }
      throw e;
    }
    return PortMapper.clientOrderId(order.clientOrderId());
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
