package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ConnectionState;
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
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory venue in one-way mode: market orders fill at the mark price, stop-losses close the
 * whole position when the mark crosses their trigger, and every change is pushed to the stream
 * listener as the real venues push it. It serves as both {@link ExchangeGateway} and {@link
 * ExchangeStreams}, for tests and for paper mode.
 *
 * <p>Fault knobs ({@link #faults()}) fail or delay any operation; stream knobs drop, hold, reorder
 * or delay events. Operation latency and delayed events use the {@link Clock} given: with a {@link
 * ManualClock} everything is deterministic.
 */
public final class FakeExchange implements ExchangeGateway, ExchangeStreams {

  /** The operations the fault knobs address. */
  public enum Op {
    INSTRUMENTS,
    PLACE_ORDER,
    QUERY_ORDER,
    CANCEL_ORDER,
    PLACE_STOP,
    MOVE_STOP,
    CANCEL_STOP,
    OPEN_STOPS,
    POSITIONS,
    OPENING_ORDER,
    EXIT_SINCE,
    MARK_PRICE,
    SERVER_TIME
  }

  /**
   * Which venue's stop and client-id rules the fake follows. {@link #CLASSIC} is the default and
   * the most forgiving; the simulator runs the two strict ones.
   */
  public enum Flavour {
    /**
     * Moves place the replacement, then cancel the old stop, in one call; a client id names one
     * order for ever (a resent id finds the first order).
     */
    CLASSIC,
    /**
     * Binance USDⓈ-M: an algo stop cannot be amended, so a move is two venue calls, the replacement
     * placed and then the old one cancelled, and the cancel half can fail on its own (a {@link
     * Op#CANCEL_STOP} fault strikes it: both stops then work and the move reports the failure); a
     * close-position stop stays after its position is closed by hand. Client ids keep the port's
     * promise (the gateway looks an id up before sending, because Binance keeps an id unique only
     * among open orders).
     */
    BINANCE,
    /**
     * Bybit v5: one stop-loss per position, set on the position ({@code /v5/position/trading-stop}
     * with {@code stopLoss}): placing one replaces the one working, a move amends it in place under
     * the same id, and it goes with its position when the position is closed (inferred from the
     * position list: the stop is a field of the position's row, which a flat position does not
     * carry).
     */
    BYBIT
  }

  /** What a market order's response says: the final fill, or only that it was accepted. */
  public enum ResponseMode {
    /** Like Binance {@code newOrderRespType=RESULT}: the response carries the fill. */
    RESULT,
    /** Like Binance ACK or Bybit: the response says NEW; the fill comes on the stream. */
    ACK
  }

  private record Pos(BigDecimal signedSize, BigDecimal entryPrice, Instant updatedAt) {}

  /** The part of one fill that reduced a position, as a venue's trade history keeps it. */
  private record ExitFill(
      Symbol symbol,
      PositionSide side,
      BigDecimal quantity,
      BigDecimal price,
      BigDecimal realizedPnl,
      Optional<ClientOrderId> clientId,
      Instant time,
      boolean endedPosition) {}

  /** Binance's code for a stop that would trigger at once. */
  public static final String BINANCE_WOULD_TRIGGER = "-2021";

  /** Bybit's code for a rising trigger (a short's stop) at or below the current price. */
  public static final String BYBIT_RISING_NOT_ABOVE = "110092";

  /** Bybit's code for a falling trigger (a long's stop) at or above the current price. */
  public static final String BYBIT_FALLING_NOT_BELOW = "110093";

  /** How long Binance keeps the trade history that {@link #exitSince} reads (3 months). */
  public static final Duration DEFAULT_TRADE_HISTORY = Duration.ofDays(90);

  private final Exchange exchange;
  private final Clock clock;
  private final FaultKnobs<Op> faults = new FaultKnobs<>(Op.class);

  private final Map<Symbol, InstrumentRules> instruments = new TreeMap<>();
  private final Map<Symbol, BigDecimal> marks = new HashMap<>();
  private final Map<Symbol, Pos> positions = new TreeMap<>();
  private final Map<Symbol, ExchangeOrderId> openingOrders = new HashMap<>();
  private final Map<ClientOrderId, OrderReport> orders = new LinkedHashMap<>();
  private final Map<ClientOrderId, StopOrder> stops = new LinkedHashMap<>();
  // The stops not yet final, per symbol: what a price or position change has to look at.
  private final Map<Symbol, Map<ClientOrderId, StopOrder>> liveStops = new HashMap<>();
  private final List<MarketOrderRequest> orderRequests = new ArrayList<>();
  private final List<ExitFill> exitFills = new ArrayList<>();
  private Duration tradeHistory = DEFAULT_TRADE_HISTORY;
  private long nextOrderId = 1_000_000_000_000_000L;

  private ResponseMode responseMode = ResponseMode.RESULT;
  private Flavour flavour = Flavour.CLASSIC;
  private Duration nextOrderLandsAfter;
  private final Deque<OrderRequestInFlight> landingLate = new ArrayDeque<>();
  private BigDecimal nextFillRatio;
  private String nextSnapshotIncompleteReason;
  // Off (0) unless a test asks for it: how many reads over how long prove a doubted stop absent.
  private int stopDoubtQueries;
  private Duration stopDoubtWindow = Duration.ZERO;
  private final Map<Symbol, StopDoubt> stopDoubts = new HashMap<>();

  /** A stop placement answered "unknown", and the reads that found nothing since. */
  private record StopDoubt(ClientOrderId clientId, Instant since, int absentReads) {}

  // Streams
  private StreamListener listener;
  private ConnectionState connection = ConnectionState.DISCONNECTED;
  private boolean resyncOnConnect = true;
  private final Set<Symbol> watched = new HashSet<>();
  private final Map<Class<? extends StreamEvent>, Integer> dropNext = new HashMap<>();
  private boolean holding;
  private long dropped;
  private final List<StreamEvent> held = new ArrayList<>();
  private Duration streamDelay = Duration.ZERO;
  private final Deque<StreamEvent> outbox = new ArrayDeque<>();
  private boolean delivering;
  private final List<StreamEvent> delivered = new ArrayList<>();

  public FakeExchange(Exchange exchange, Clock clock) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---------------------------------------------------------------- setup and knobs

  /**
   * Numbers the next orders from {@code first}: a venue never reuses an order id, so a second
   * session on a kept database (paper mode) must not either.
   */
  public synchronized FakeExchange orderIdsFrom(long first) {
    if (first < nextOrderId) {
      throw new IllegalArgumentException(
          "order ids only go up: next is " + nextOrderId + ", asked " + first);
    }
    nextOrderId = first;
    return this;
  }

  /** The fault plan of every gateway operation. */
  public FaultKnobs<Op> faults() {
    return faults;
  }

  /** Lists an instrument with its rules. */
  public synchronized FakeExchange addInstrument(InstrumentRules rules) {
    instruments.put(rules.symbol(), rules);
    return this;
  }

  /** Which venue's stop and client-id rules apply from now on (default {@link Flavour#CLASSIC}). */
  public synchronized FakeExchange flavour(Flavour value) {
    this.flavour = Objects.requireNonNull(value, "value");
    return this;
  }

  /** The rules this fake follows now. */
  public synchronized Flavour flavour() {
    return flavour;
  }

  /**
   * The next market order is answered with {@link io.positionkeeper.ports.OutcomeUnknownException}
   * at once, and lands {@code delay} later (needs a ManualClock). On the venue a query finds
   * nothing before then: Binance's order in doubt may appear after a first "not found". The port
   * promises "unknown" for that id until the adapter's bounded series of queries proves it absent,
   * so until it lands a query or a resend with that id is {@link
   * io.positionkeeper.ports.OutcomeUnknownException}.
   */
  public synchronized FakeExchange nextOrderLandsAfter(Duration delay) {
    if (!delay.isPositive() || !(clock instanceof ManualClock)) {
      throw new IllegalArgumentException("a late landing needs a positive delay on a ManualClock");
    }
    this.nextOrderLandsAfter = delay;
    return this;
  }

  /**
   * From now on a stop placement answered "unknown" (an injected {@link
   * io.positionkeeper.ports.OutcomeUnknownException}, before or after its effect) leaves its symbol
   * in doubt as both venue adapters hold it: while that stop is not listed, reading the symbol's
   * open stops is {@link io.positionkeeper.ports.OutcomeUnknownException} until {@code queries}
   * reads over at least {@code window} found nothing, as the port promises. Both adapters' defaults
   * are 3 reads over 10 s (Binance's order service and Bybit's asynchronous writes can show a write
   * late). Off unless asked for, so that the seeded simulator's histories stay as they were.
   */
  public synchronized FakeExchange stopDoubtProvenAbsentAfter(int queries, Duration window) {
    if (queries < 1 || window.isNegative()) {
      throw new IllegalArgumentException(
          "an absence proof needs queries >= 1 and a window >= 0: " + queries + ", " + window);
    }
    this.stopDoubtQueries = queries;
    this.stopDoubtWindow = window;
    return this;
  }

  /** How market order responses look from now on. */
  public synchronized FakeExchange responseMode(ResponseMode mode) {
    this.responseMode = Objects.requireNonNull(mode, "mode");
    return this;
  }

  /**
   * The next market order fills only {@code ratio} of its quantity (rounded down to the step) and
   * the rest expires, as an IOC market order does on a thin book.
   */
  public synchronized FakeExchange fillNextPartially(BigDecimal ratio) {
    if (ratio.signum() < 0 || ratio.compareTo(BigDecimal.ONE) > 0) {
      throw new IllegalArgumentException("ratio must be in [0, 1], was " + ratio);
    }
    this.nextFillRatio = ratio;
    return this;
  }

  /**
   * How far back {@link #exitSince} sees fills (default {@link #DEFAULT_TRADE_HISTORY}); older
   * fills are gone, as from a venue's trade history.
   */
  public synchronized FakeExchange tradeHistory(Duration retention) {
    if (retention.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative: " + retention);
    }
    this.tradeHistory = retention;
    return this;
  }

  /** The next position snapshot is {@link PositionSnapshot.Incomplete} for this reason. */
  public synchronized FakeExchange nextSnapshotIncomplete(String reason) {
    this.nextSnapshotIncompleteReason = Objects.requireNonNull(reason, "reason");
    return this;
  }

  /**
   * Whether (re)connecting reports RESYNCED by itself (default true) or waits for {@link
   * #resync()}.
   */
  public synchronized FakeExchange resyncOnConnect(boolean value) {
    this.resyncOnConnect = value;
    return this;
  }

  /** The next {@code count} stream events of the given type are lost. */
  public synchronized FakeExchange dropNext(Class<? extends StreamEvent> type, int count) {
    dropNext.merge(type, count, Integer::sum);
    return this;
  }

  /** Stream events are held back until {@link #releaseHeld()} or {@link #releaseHeldReversed()}. */
  public synchronized FakeExchange holdStream() {
    holding = true;
    return this;
  }

  /** Delivers the held events in order and stops holding. */
  public void releaseHeld() {
    release(false);
  }

  /** Delivers the held events in reverse order (a reordering) and stops holding. */
  public void releaseHeldReversed() {
    release(true);
  }

  private void release(boolean reversed) {
    List<StreamEvent> events;
    synchronized (this) {
      holding = false;
      events = new ArrayList<>(held);
      held.clear();
    }
    if (reversed) {
      Collections.reverse(events);
    }
    deliverNow(events);
  }

  /**
   * Every stream event reaches the listener {@code delay} after it happened (needs a ManualClock).
   */
  public synchronized FakeExchange delayStream(Duration delay) {
    if (delay.isPositive() && !(clock instanceof ManualClock)) {
      throw new IllegalStateException("stream delays need a ManualClock");
    }
    this.streamDelay = delay;
    return this;
  }

  /**
   * Sets the mark price: pushes it to watchers and fires the stop-losses it crosses, as the venue
   * would.
   */
  public void setMarkPrice(Symbol symbol, BigDecimal price) {
    List<StreamEvent> events = new ArrayList<>();
    synchronized (this) {
      if (price.signum() <= 0) {
        throw new IllegalArgumentException("mark price must be > 0, was " + price);
      }
      marks.put(symbol, price);
      if (watched.contains(symbol)) {
        events.add(new StreamEvent.MarkPriceChanged(symbol, price, clock.now()));
      }
      for (StopOrder stop : liveStopsOf(symbol)) {
        if (stop.status() == StopStatus.WORKING && crosses(stop, price)) {
          trigger(stop, price, events);
        }
      }
    }
    emit(events);
  }

  /**
   * A position opened outside this program (by hand, by another bot), with its opening order id.
   */
  public void seedPosition(
      Symbol symbol,
      BigDecimal signedSize,
      BigDecimal entryPrice,
      Optional<ExchangeOrderId> order) {
    List<StreamEvent> events = new ArrayList<>();
    synchronized (this) {
      positions.put(symbol, new Pos(signedSize, entryPrice, clock.now()));
      order.ifPresentOrElse(
          id -> openingOrders.put(symbol, id), () -> openingOrders.remove(symbol));
      events.add(new StreamEvent.PositionChanged(symbol, signedSize, entryPrice, clock.now()));
    }
    emit(events);
  }

  /**
   * The position disappears without any order of ours (liquidation, closed by hand on the venue):
   * it is filled at the mark (at its entry when no mark was set), and the trade history keeps that
   * fill without a client id, since the closing order was not ours.
   */
  public void closeExternally(Symbol symbol) {
    List<StreamEvent> events = new ArrayList<>();
    synchronized (this) {
      Pos pos = positions.get(symbol);
      if (pos == null || pos.signedSize.signum() == 0) {
        return;
      }
      applyFill(
          symbol,
          -pos.signedSize.signum(),
          pos.signedSize.abs(),
          marks.getOrDefault(symbol, pos.entryPrice),
          ExchangeOrderId.of(nextOrderId++),
          Optional.empty(),
          events);
    }
    emit(events);
  }

  /** A stop-loss cancelled outside this program (by hand on the venue). */
  public void cancelStopExternally(ClientOrderId stopClientId) {
    List<StreamEvent> events = new ArrayList<>();
    synchronized (this) {
      StopOrder stop = stops.get(stopClientId);
      if (stop != null && !stop.status().isFinal()) {
        finishStop(stop, StopStatus.CANCELED, BigDecimal.ZERO, BigDecimal.ZERO, events);
      }
    }
    emit(events);
  }

  /** Drops the connection: DISCONNECTED is pushed; events stop until {@link #reconnect()}. */
  public void disconnect(String detail) {
    setConnection(ConnectionState.DISCONNECTED, detail);
  }

  /** Reconnects: CONNECTED, then RESYNCED unless {@link #resyncOnConnect(boolean)} is off. */
  public void reconnect() {
    setConnection(ConnectionState.CONNECTED, "reconnected");
    boolean resync;
    synchronized (this) {
      resync = resyncOnConnect;
    }
    if (resync) {
      resync();
    }
  }

  /**
   * Reports RESYNCED: the local view was refreshed after the last connect. The mark of every
   * watched symbol follows, as on the venues after a (re)subscription: Bybit's {@code tickers}
   * topic sends a snapshot with {@code markPrice} first, Binance's {@code markPrice@1s} pushes
   * every second whether or not the mark changed. Without it the fake was stricter than the venues:
   * a mark that moved while the stream was down stayed unknown to a keeper for as long as it
   * stayed.
   */
  public void resync() {
    setConnection(ConnectionState.RESYNCED, "resynced after connect");
    List<StreamEvent> current = new ArrayList<>();
    synchronized (this) {
      for (Symbol symbol : watched) {
        BigDecimal mark = marks.get(symbol);
        if (mark != null) {
          current.add(new StreamEvent.MarkPriceChanged(symbol, mark, clock.now()));
        }
      }
    }
    emit(current);
  }

  private void setConnection(ConnectionState state, String detail) {
    synchronized (this) {
      connection = state;
    }
    // Connection changes bypass the stream knobs: they are about the stream itself.
    deliverNow(List.of(new StreamEvent.ConnectionChanged(state, detail, clock.now())));
  }

  // ---------------------------------------------------------------- inspection for tests

  /** Every market order request received, in order (duplicates included). */
  public synchronized List<MarketOrderRequest> orderRequests() {
    return List.copyOf(orderRequests);
  }

  /** Every distinct order the venue holds. */
  public synchronized List<OrderReport> orders() {
    return List.copyOf(orders.values());
  }

  /** The stop-losses working on a symbol, without going through the fault knobs. */
  public synchronized List<StopOrder> workingStops(Symbol symbol) {
    return liveStopsOf(symbol).stream().filter(s -> s.status() == StopStatus.WORKING).toList();
  }

  /** Every stop-loss ever placed, in its latest state. */
  public synchronized List<StopOrder> allStops() {
    return List.copyOf(stops.values());
  }

  /** The non-flat positions, without going through the fault knobs. */
  public synchronized List<ExchangePosition> openPositions() {
    return positions.entrySet().stream()
        .filter(e -> e.getValue().signedSize.signum() != 0)
        .map(e -> toExchangePosition(e.getKey(), e.getValue()))
        .toList();
  }

  /**
   * The venue's mark for {@code symbol} as an observer reads it: no fault planned for {@link
   * #markPrice} meets it and no call is counted; empty before a first mark.
   */
  public synchronized Optional<BigDecimal> currentMark(Symbol symbol) {
    return Optional.ofNullable(marks.get(symbol));
  }

  /** The signed size of a symbol's position (zero when flat or unknown). */
  public synchronized BigDecimal positionSize(Symbol symbol) {
    Pos p = positions.get(symbol);
    return p == null ? BigDecimal.ZERO : p.signedSize;
  }

  /**
   * How many positions on {@code symbol} have ended so far (a fill left the venue flat or on the
   * other side): a checker that saw the symbol open before and after tells a new position apart.
   */
  public synchronized long positionsEnded(Symbol symbol) {
    return exitFills.stream().filter(f -> f.endedPosition() && f.symbol().equals(symbol)).count();
  }

  /** How many stream events the drop knob has swallowed so far. */
  public synchronized long droppedEvents() {
    return dropped;
  }

  /** How many stream events are held back by {@link #holdStream()} right now. */
  public synchronized int heldEvents() {
    return held.size();
  }

  /**
   * Whether each fill of {@link #exitFills()} (same order) left the venue flat or on the other
   * side: the last fill of a position's life.
   */
  public synchronized List<Boolean> exitFillsEndingAPosition() {
    return exitFills.stream().map(ExitFill::endedPosition).toList();
  }

  /**
   * Every fill that reduced a position, one per fill, as the venue's trade history keeps it (the
   * client id is the order's, empty for a close by hand), without going through the fault knobs.
   */
  public synchronized List<PositionExit> exitFills() {
    return exitFills.stream()
        .map(
            f ->
                new PositionExit(
                    f.symbol(),
                    f.side(),
                    f.quantity(),
                    f.price(),
                    f.realizedPnl(),
                    f.clientId(),
                    f.time()))
        .toList();
  }

  /** Every event that reached the listener, in order. */
  public synchronized List<StreamEvent> deliveredEvents() {
    return List.copyOf(delivered);
  }

  // ---------------------------------------------------------------- ExchangeGateway

  @Override
  public Exchange exchange() {
    return exchange;
  }

  @Override
  public List<InstrumentRules> instruments() {
    return call(Op.INSTRUMENTS, events -> List.copyOf(instruments.values()));
  }

  @Override
  public InstrumentRules instrument(Symbol symbol) {
    return call(Op.INSTRUMENTS, events -> rulesOf(symbol));
  }

  @Override
  public OrderReport placeMarketOrder(MarketOrderRequest request) {
    return call(
        Op.PLACE_ORDER,
        events -> {
          if (inFlight(request.clientOrderId())) {
            throw new io.positionkeeper.ports.OutcomeUnknownException(
                "an earlier attempt with " + request.clientOrderId() + " is still in doubt");
          }
          if (nextOrderLandsAfter != null) {
            Duration delay = nextOrderLandsAfter;
            nextOrderLandsAfter = null;
            landingLate.add(new OrderRequestInFlight(request));
            ((ManualClock) clock).schedule(delay, this::landLate);
            throw new io.positionkeeper.ports.OutcomeUnknownException(
                "timed out; the order is still on its way");
          }
          return placeMarket(request, events);
        });
  }

  private record OrderRequestInFlight(MarketOrderRequest request) {}

  /** An order answered "unknown" reaches the book now, as if its request had been slow. */
  private void landLate() {
    List<StreamEvent> events = new ArrayList<>();
    synchronized (this) {
      OrderRequestInFlight late = landingLate.pollFirst();
      if (late == null) {
        return;
      }
      try {
        placeMarket(late.request(), events);
      } catch (RejectedException e) {
        return; // the venue refused it on arrival (no mark, would not reduce): nothing happened
      }
    }
    emit(events);
  }

  @Override
  public Optional<OrderReport> queryOrder(Symbol symbol, ClientOrderId clientOrderId) {
    return call(
        Op.QUERY_ORDER,
        events -> {
          if (inFlight(clientOrderId)) {
            // The port's promise for an order in doubt: not "absent" until it is proven absent.
            throw new io.positionkeeper.ports.OutcomeUnknownException(
                "no order " + clientOrderId + " yet; an earlier attempt is still in doubt");
          }
          return Optional.ofNullable(orders.get(clientOrderId))
              .filter(o -> o.symbol().equals(symbol));
        });
  }

  private boolean inFlight(ClientOrderId id) {
    return landingLate.stream().anyMatch(l -> l.request().clientOrderId().equals(id));
  }

  @Override
  public OrderReport cancelOrder(Symbol symbol, ClientOrderId clientOrderId) {
    return call(
        Op.CANCEL_ORDER,
        events -> {
          OrderReport order = orders.get(clientOrderId);
          if (order == null || !order.symbol().equals(symbol)) {
            throw new RejectedException("NO_SUCH_ORDER", "Unknown order sent: " + clientOrderId);
          }
          // Market orders are final as soon as they are placed; there is nothing to cancel.
          return order;
        });
  }

  @Override
  public StopOrder placeStopLoss(StopLossRequest request) {
    try {
      return call(Op.PLACE_STOP, events -> placeStop(request, events));
    } catch (io.positionkeeper.ports.OutcomeUnknownException e) {
      synchronized (this) {
        if (stopDoubtQueries > 0) {
          stopDoubts.put(request.symbol(), new StopDoubt(request.clientId(), clock.now(), 0));
        }
      }
      throw e;
    }
  }

  @Override
  public StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement) {
    return call(
        Op.MOVE_STOP,
        events -> {
          StopOrder old = stops.get(current.clientId());
          if (old == null || old.status() != StopStatus.WORKING) {
            throw new RejectedException(
                "STOP_NOT_WORKING", "stop " + current.clientId() + " is not working");
          }
          if (flavour == Flavour.BYBIT) {
            return amend(old, replacement, events);
          }
          // Place the replacement first, then cancel: never a moment without a stop.
          StopOrder placed = placeStop(replacement, events);
          if (flavour == Flavour.BINANCE) {
            // The cancel is a call of its own: its fault leaves both stops working.
            PortException cancelLost = faults.takeNext(Op.CANCEL_STOP);
            if (cancelLost != null) {
              throw cancelLost;
            }
          }
          finishStop(old, StopStatus.CANCELED, BigDecimal.ZERO, BigDecimal.ZERO, events);
          return placed;
        });
  }

  /** Bybit: the position's one stop takes the new trigger and keeps its id. */
  private StopOrder amend(StopOrder old, StopLossRequest replacement, List<StreamEvent> events) {
    checkTrigger(replacement);
    StopOrder amended =
        new StopOrder(
            old.symbol(),
            old.clientId(),
            old.orderId(),
            old.positionSide(),
            replacement.triggerPrice(),
            StopStatus.WORKING);
    putStop(amended);
    events.add(
        new StreamEvent.StopChanged(
            old.symbol(),
            old.clientId(),
            StopStatus.WORKING,
            replacement.triggerPrice(),
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            clock.now()));
    return amended;
  }

  @Override
  public void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId) {
    call(
        Op.CANCEL_STOP,
        events -> {
          StopOrder stop = stops.get(stopClientId);
          if (stop != null && stop.symbol().equals(symbol) && !stop.status().isFinal()) {
            finishStop(stop, StopStatus.CANCELED, BigDecimal.ZERO, BigDecimal.ZERO, events);
          }
          return null;
        });
  }

  @Override
  public List<StopOrder> openStopLosses(Symbol symbol) {
    return call(Op.OPEN_STOPS, events -> settledStops(symbol, liveStopsOf(symbol)));
  }

  /**
   * The live stops of a symbol, or "unknown" while a stop placed on it is in doubt, not listed and
   * not yet proven absent.
   */
  private List<StopOrder> settledStops(Symbol symbol, List<StopOrder> live) {
    StopDoubt doubt = stopDoubts.get(symbol);
    if (doubt == null) {
      return live;
    }
    if (live.stream().anyMatch(s -> s.clientId().equals(doubt.clientId()))) {
      stopDoubts.remove(symbol);
      return live;
    }
    StopDoubt now = new StopDoubt(doubt.clientId(), doubt.since(), doubt.absentReads() + 1);
    Duration waited = Duration.between(now.since(), clock.now());
    if (now.absentReads() >= stopDoubtQueries && waited.compareTo(stopDoubtWindow) >= 0) {
      stopDoubts.remove(symbol);
      return live;
    }
    stopDoubts.put(symbol, now);
    throw new io.positionkeeper.ports.OutcomeUnknownException(
        "stop-loss "
            + doubt.clientId()
            + " on "
            + symbol
            + " not listed "
            + now.absentReads()
            + " time(s) in "
            + waited.toMillis()
            + " ms after an ambiguous answer; it counts as absent only after "
            + stopDoubtQueries
            + " such reads over at least "
            + stopDoubtWindow.toMillis()
            + " ms");
  }

  /** Every live stop of the account; an {@link Op#OPEN_STOPS} fault strikes this read too. */
  @Override
  public List<StopOrder> allOpenStopLosses() {
    return call(
        Op.OPEN_STOPS,
        events -> {
          for (Symbol doubted : List.copyOf(stopDoubts.keySet())) {
            settledStops(doubted, liveStopsOf(doubted));
          }
          return liveStops.values().stream()
              .flatMap(m -> m.values().stream())
              .sorted(Comparator.comparing(StopOrder::symbol))
              .toList();
        });
  }

  @Override
  public PositionSnapshot positions() {
    return call(
        Op.POSITIONS,
        events -> {
          List<ExchangePosition> rows =
              positions.entrySet().stream()
                  .map(e -> toExchangePosition(e.getKey(), e.getValue()))
                  .toList();
          String incomplete = nextSnapshotIncompleteReason;
          nextSnapshotIncompleteReason = null;
          if (incomplete != null) {
            List<ExchangePosition> partial = rows.subList(0, rows.size() / 2);
            return new PositionSnapshot.Incomplete(exchange, partial, incomplete, clock.now());
          }
          return new PositionSnapshot.Complete(exchange, rows, clock.now());
        });
  }

  @Override
  public Optional<ExchangeOrderId> openingOrderId(Symbol symbol, PositionSide side) {
    return call(
        Op.OPENING_ORDER,
        events -> {
          Pos pos = positions.get(symbol);
          if (pos == null || pos.signedSize.signum() != side.sign()) {
            return Optional.empty();
          }
          return Optional.ofNullable(openingOrders.get(symbol));
        });
  }

  @Override
  public Optional<PositionExit> exitSince(Symbol symbol, PositionSide side, Instant since) {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(since, "since");
    return call(Op.EXIT_SINCE, events -> exitOf(symbol, side, since));
  }

  /**
   * The fills after {@code since} that reduced a position of that side, taken together, up to the
   * one that left the venue flat: a venue's trade history lists every fill, and the position a fill
   * reduced is the one open at that fill (one position per symbol in one-way mode).
   */
  private Optional<PositionExit> exitOf(Symbol symbol, PositionSide side, Instant since) {
    Instant horizon = clock.now().minus(tradeHistory);
    exitFills.removeIf(f -> f.time().isBefore(horizon));
    BigDecimal quantity = BigDecimal.ZERO;
    BigDecimal notional = BigDecimal.ZERO;
    BigDecimal pnl = BigDecimal.ZERO;
    ExitFill last = null;
    for (ExitFill f : exitFills) {
      if (f.symbol().equals(symbol) && f.side() == side && f.time().isAfter(since)) {
        quantity = quantity.add(f.quantity());
        notional = notional.add(f.quantity().multiply(f.price()));
        pnl = pnl.add(f.realizedPnl());
        last = f;
        if (f.endedPosition()) {
          break;
        }
      }
    }
    if (last == null) {
      return Optional.empty();
    }
    return Optional.of(
        new PositionExit(
            symbol,
            side,
            quantity,
            notional.divide(quantity, MathContext.DECIMAL128),
            pnl,
            last.clientId(),
            last.time()));
  }

  @Override
  public MarkPrice markPrice(Symbol symbol) {
    return call(Op.MARK_PRICE, events -> new MarkPrice(symbol, markOf(symbol), clock.now()));
  }

  @Override
  public Instant serverTime() {
    return call(Op.SERVER_TIME, events -> clock.now());
  }

  // ---------------------------------------------------------------- ExchangeStreams

  @Override
  public void start(StreamListener listener) {
    synchronized (this) {
      if (this.listener != null) {
        throw new IllegalStateException("streams already started");
      }
      this.listener = Objects.requireNonNull(listener, "listener");
    }
    reconnect();
  }

  @Override
  public synchronized void watchMarkPrices(Set<Symbol> symbols) {
    watched.clear();
    watched.addAll(symbols);
  }

  @Override
  public synchronized ConnectionState connectionState() {
    return connection;
  }

  @Override
  public void close() {
    setConnection(ConnectionState.DISCONNECTED, "closed");
    synchronized (this) {
      listener = null;
    }
  }

  // ---------------------------------------------------------------- venue mechanics

  private interface Effect<T> {
    T apply(List<StreamEvent> events);
  }

  /**
   * One gateway call: injected faults, the effect under the lock, its events pushed, then the
   * response latency, then an after-effect fault if one was planned.
   */
  private <T> T call(Op op, Effect<T> effect) {
    PortException afterEffect = faults.beforeEffect(op);
    List<StreamEvent> events = new ArrayList<>();
    T result;
    try {
      synchronized (this) {
        result = effect.apply(events);
      }
    } catch (PortException e) {
      // What took effect before the failure (a move's placed half) is still pushed.
      emit(events);
      throw e;
    }
    emit(events);
    Duration latency = faults.delayOf(op);
    if (latency.isPositive()) {
      try {
        clock.sleep(latency);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.positionkeeper.ports.OutcomeUnknownException(
            "interrupted while waiting for the " + op + " response", e);
      }
    }
    FaultKnobs.afterEffect(afterEffect);
    return result;
  }

  private InstrumentRules rulesOf(Symbol symbol) {
    InstrumentRules rules = instruments.get(symbol);
    if (rules == null) {
      throw new RejectedException("INVALID_SYMBOL", "Invalid symbol: " + symbol);
    }
    return rules;
  }

  private BigDecimal markOf(Symbol symbol) {
    BigDecimal mark = marks.get(symbol);
    if (mark == null) {
      throw new RejectedException("NO_MARK_PRICE", "no mark price yet for " + symbol);
    }
    return mark;
  }

  private OrderReport placeMarket(MarketOrderRequest request, List<StreamEvent> events) {
    orderRequests.add(request);
    OrderReport existing = orders.get(request.clientOrderId());
    if (existing != null) {
      boolean same =
          existing.symbol().equals(request.symbol())
              && existing.side() == request.side()
              && existing.quantity().compareTo(request.quantity()) == 0
              && existing.reduceOnly() == request.reduceOnly();
      if (!same) {
        throw new RejectedException(
            "CLIENT_ID_USED",
            "client id " + request.clientOrderId() + " already names a different order");
      }
      return existing; // one order per client id: the first attempt landed
    }
    InstrumentRules rules = rulesOf(request.symbol());
    BigDecimal mark = markOf(request.symbol());
    BigDecimal qty = request.quantity();
    if (qty.remainder(rules.stepSize()).signum() != 0) {
      throw new RejectedException(
          "BAD_PRECISION", "quantity " + qty.toPlainString() + " is not a multiple of the step");
    }
    if (qty.compareTo(rules.minQuantity()) < 0 || qty.compareTo(rules.maxQuantity()) > 0) {
      throw new RejectedException(
          "BAD_QUANTITY", "quantity " + qty.toPlainString() + " is outside the lot size");
    }
    Pos pos =
        positions.getOrDefault(
            request.symbol(), new Pos(BigDecimal.ZERO, BigDecimal.ZERO, clock.now()));
    int dir = request.side() == Side.BUY ? 1 : -1;
    if (request.reduceOnly()) {
      if (pos.signedSize.signum() == 0 || pos.signedSize.signum() == dir) {
        throw new RejectedException("REDUCE_ONLY_REJECT", "reduce-only order would not reduce");
      }
      qty = qty.min(pos.signedSize.abs());
    } else if (qty.multiply(mark).compareTo(rules.minNotional()) < 0) {
      throw new RejectedException(
          "MIN_NOTIONAL",
          "Order's notional must be no smaller than " + rules.minNotional().toPlainString());
    }
    BigDecimal filled = qty;
    if (nextFillRatio != null) {
      filled =
          qty.multiply(nextFillRatio)
              .divide(rules.stepSize(), 0, RoundingMode.DOWN)
              .multiply(rules.stepSize());
      nextFillRatio = null;
    }
    ExchangeOrderId orderId = ExchangeOrderId.of(nextOrderId++);
    OrderStatus status =
        filled.compareTo(request.quantity()) == 0 ? OrderStatus.FILLED : OrderStatus.EXPIRED;
    BigDecimal realized = BigDecimal.ZERO;
    if (filled.signum() > 0) {
      realized =
          applyFill(
              request.symbol(),
              dir,
              filled,
              mark,
              orderId,
              Optional.of(request.clientOrderId()),
              events);
    }
    OrderReport report =
        new OrderReport(
            request.symbol(),
            request.clientOrderId(),
            orderId,
            request.side(),
            status,
            request.quantity(),
            filled,
            filled.signum() > 0 ? mark : BigDecimal.ZERO,
            request.reduceOnly(),
            clock.now());
    orders.put(request.clientOrderId(), report);
    events.add(
        0,
        new StreamEvent.OrderChanged(
            request.symbol(),
            Optional.of(request.clientOrderId()),
            orderId,
            request.side(),
            status,
            filled,
            filled.signum() > 0 ? mark : BigDecimal.ZERO,
            filled,
            report.averagePrice(),
            realized,
            request.reduceOnly(),
            clock.now()));
    return switch (responseMode) {
      case RESULT -> report;
      case ACK ->
          new OrderReport(
              report.symbol(),
              report.clientOrderId(),
              orderId,
              report.side(),
              OrderStatus.NEW,
              report.quantity(),
              BigDecimal.ZERO,
              BigDecimal.ZERO,
              report.reduceOnly(),
              report.updatedAt());
    };
  }

  /**
   * Applies a fill to the position, records the part that reduced it (with the order's client id,
   * when the venue would name one) in the trade history, and returns that part's realized PnL.
   */
  private BigDecimal applyFill(
      Symbol symbol,
      int dir,
      BigDecimal qty,
      BigDecimal price,
      ExchangeOrderId orderId,
      Optional<ClientOrderId> clientId,
      List<StreamEvent> events) {
    Pos pos =
        positions.getOrDefault(symbol, new Pos(BigDecimal.ZERO, BigDecimal.ZERO, clock.now()));
    BigDecimal size = pos.signedSize;
    BigDecimal delta = dir > 0 ? qty : qty.negate();
    BigDecimal newSize = size.add(delta);
    BigDecimal realized = BigDecimal.ZERO;
    BigDecimal entry;
    if (size.signum() == 0 || size.signum() == dir) {
      // Opening or adding: volume-weighted entry.
      entry =
          size.abs()
              .multiply(pos.entryPrice)
              .add(qty.multiply(price))
              .divide(newSize.abs(), 12, RoundingMode.HALF_EVEN)
              .stripTrailingZeros();
      if (size.signum() == 0) {
        openingOrders.put(symbol, orderId);
      }
    } else {
      BigDecimal closed = qty.min(size.abs());
      realized =
          price
              .subtract(pos.entryPrice)
              .multiply(closed)
              .multiply(BigDecimal.valueOf(size.signum()));
      exitFills.add(
          new ExitFill(
              symbol,
              size.signum() > 0 ? PositionSide.LONG : PositionSide.SHORT,
              closed,
              price,
              realized,
              clientId,
              clock.now(),
              newSize.signum() != size.signum()));
      entry = newSize.signum() == 0 ? BigDecimal.ZERO : pos.entryPrice;
      if (newSize.signum() != 0 && newSize.signum() != size.signum()) {
        entry = price; // flipped through zero: the remainder opened at this price
        openingOrders.put(symbol, orderId);
      }
    }
    setPosition(symbol, newSize, entry, events);
    return realized;
  }

  private void setPosition(
      Symbol symbol, BigDecimal signedSize, BigDecimal entry, List<StreamEvent> events) {
    positions.put(symbol, new Pos(signedSize, entry, clock.now()));
    events.add(new StreamEvent.PositionChanged(symbol, signedSize, entry, clock.now()));
    if (signedSize.signum() == 0) {
      openingOrders.remove(symbol);
      if (flavour == Flavour.BYBIT) {
        // The position's stop is part of the position: it goes when the position goes.
        for (StopOrder working : liveStopsOf(symbol)) {
          if (working.status() == StopStatus.WORKING) {
            finishStop(working, StopStatus.EXPIRED, BigDecimal.ZERO, BigDecimal.ZERO, events);
          }
        }
      }
      // A close-position stop stays working when its position is closed by hand or liquidated:
      // Binance does not cancel it (inferred from the venue's order lifecycle: only a trigger, a
      // cancel or the stop's own expiry ends an algo order; maintainers of other bots report such
      // orphans closing the next position). Whoever ended the position must cancel it.
    }
  }

  private StopOrder placeStop(StopLossRequest request) {
    return placeStop(request, new ArrayList<>());
  }

  private StopOrder placeStop(StopLossRequest request, List<StreamEvent> events) {
    StopOrder earlier = stops.get(request.clientId());
    if (earlier != null
        && earlier.status() == StopStatus.WORKING
        && earlier.symbol().equals(request.symbol())
        && earlier.positionSide() == request.positionSide()
        && earlier.triggerPrice().compareTo(request.triggerPrice()) == 0) {
      return earlier; // the same request again: one stop per client id (the port's contract)
    }
    if (earlier != null) {
      throw new RejectedException(
          "DUPLICATE_CLIENT_ID", "ClientOrderId is duplicated: " + request.clientId());
    }
    if (flavour == Flavour.BYBIT) {
      requirePositionFor(request);
    }
    checkTrigger(request);
    StopOrder stop =
        new StopOrder(
            request.symbol(),
            request.clientId(),
            Optional.of(ExchangeOrderId.of(nextOrderId++)),
            request.positionSide(),
            request.triggerPrice(),
            StopStatus.WORKING);
    if (flavour == Flavour.BYBIT) {
      // One stop per position: setting one replaces the one working.
      for (StopOrder working : liveStopsOf(request.symbol())) {
        finishStop(working, StopStatus.CANCELED, BigDecimal.ZERO, BigDecimal.ZERO, events);
      }
    }
    putStop(stop);
    return stop;
  }

  /**
   * Bybit: the stop-loss is a field of the position ({@code /v5/position/trading-stop}), so there
   * is none to set without an open position on the stop's side; the venue refuses with 10001 "can
   * not set tp/sl/ts for zero position" (the message inferred from third-party reports; the rule
   * from the stop being the position's).
   */
  private void requirePositionFor(StopLossRequest request) {
    Pos pos = positions.get(request.symbol());
    int side = pos == null ? 0 : pos.signedSize.signum();
    if (side != request.positionSide().sign()) {
      throw new RejectedException(
          "NO_POSITION",
          "can not set tp/sl/ts for zero position: no "
              + request.positionSide()
              + " position on "
              + request.symbol());
    }
  }

  private void checkTrigger(StopLossRequest request) {
    InstrumentRules rules = rulesOf(request.symbol());
    if (request.triggerPrice().remainder(rules.tickSize()).signum() != 0) {
      throw new RejectedException(
          "BAD_PRECISION",
          "trigger " + request.triggerPrice().toPlainString() + " is not a multiple of the tick");
    }
    BigDecimal mark = markOf(request.symbol());
    boolean immediately =
        switch (request.positionSide()) {
          case LONG -> mark.compareTo(request.triggerPrice()) <= 0;
          case SHORT -> mark.compareTo(request.triggerPrice()) >= 0;
        };
    if (immediately) {
      throw wouldTrigger(request, mark);
    }
  }

  /**
   * The venue's refusal of a stop its mark has already crossed, in the venue's code. Binance: -2021
   * "Order would immediately trigger." (error code table). Bybit: 110092 when a rising trigger (a
   * short's stop) is not above the current price, 110093 when a falling one (a long's stop) is not
   * below it (error code table, "trigger direction vs current price"; the message's form inferred
   * from third-party reports of these answers). The classic flavour answers as its exchange does.
   */
  private StopWouldTriggerException wouldTrigger(StopLossRequest request, BigDecimal mark) {
    Exchange venue =
        switch (flavour) {
          case BINANCE -> Exchange.BINANCE;
          case BYBIT -> Exchange.BYBIT;
          case CLASSIC -> exchange;
        };
    String trigger = request.triggerPrice().toPlainString();
    return switch (venue) {
      case BINANCE ->
          new StopWouldTriggerException(BINANCE_WOULD_TRIGGER, "Order would immediately trigger.");
      case BYBIT ->
          switch (request.positionSide()) {
            case LONG ->
                new StopWouldTriggerException(
                    BYBIT_FALLING_NOT_BELOW,
                    "expect Falling, but trigger_price["
                        + trigger
                        + "] >= current["
                        + mark.toPlainString()
                        + "]");
            case SHORT ->
                new StopWouldTriggerException(
                    BYBIT_RISING_NOT_ABOVE,
                    "expect Rising, but trigger_price["
                        + trigger
                        + "] <= current["
                        + mark.toPlainString()
                        + "]");
          };
      case PAPER ->
          new StopWouldTriggerException(
              "ORDER_WOULD_IMMEDIATELY_TRIGGER", "Order would immediately trigger.");
    };
  }

  private void putStop(StopOrder stop) {
    stops.put(stop.clientId(), stop);
    Map<ClientOrderId, StopOrder> live =
        liveStops.computeIfAbsent(stop.symbol(), k -> new LinkedHashMap<>());
    if (stop.status().isFinal()) {
      live.remove(stop.clientId());
    } else {
      live.put(stop.clientId(), stop);
    }
  }

  private List<StopOrder> liveStopsOf(Symbol symbol) {
    Map<ClientOrderId, StopOrder> live = liveStops.get(symbol);
    return live == null ? List.of() : List.copyOf(live.values());
  }

  private static boolean crosses(StopOrder stop, BigDecimal mark) {
    return switch (stop.positionSide()) {
      case LONG -> mark.compareTo(stop.triggerPrice()) <= 0;
      case SHORT -> mark.compareTo(stop.triggerPrice()) >= 0;
    };
  }

  private void trigger(StopOrder stop, BigDecimal mark, List<StreamEvent> events) {
    StopOrder triggered = withStatus(stop, StopStatus.TRIGGERED);
    putStop(triggered);
    events.add(
        new StreamEvent.StopChanged(
            stop.symbol(),
            stop.clientId(),
            StopStatus.TRIGGERED,
            stop.triggerPrice(),
            BigDecimal.ZERO,
            BigDecimal.ZERO,
            clock.now()));
    Pos pos = positions.get(stop.symbol());
    int side = pos == null ? 0 : pos.signedSize.signum();
    if (side != stop.positionSide().sign()) {
      finishStop(triggered, StopStatus.EXPIRED, BigDecimal.ZERO, BigDecimal.ZERO, events);
      return;
    }
    BigDecimal qty = pos.signedSize.abs();
    ExchangeOrderId orderId = ExchangeOrderId.of(nextOrderId++);
    Side exit = stop.positionSide().exitSide();
    // The venue marks the stop finished before the position update is sent.
    putStop(withStatus(triggered, StopStatus.FILLED));
    List<StreamEvent> fillEvents = new ArrayList<>();
    // Binance sends the triggered order's fills with the algo's client id.
    BigDecimal realized =
        applyFill(
            stop.symbol(),
            exit == Side.BUY ? 1 : -1,
            qty,
            mark,
            orderId,
            Optional.of(stop.clientId()),
            fillEvents);
    events.add(
        new StreamEvent.OrderChanged(
            stop.symbol(),
            Optional.of(stop.clientId()),
            orderId,
            exit,
            OrderStatus.FILLED,
            qty,
            mark,
            qty,
            mark,
            realized,
            true,
            clock.now()));
    events.addAll(fillEvents);
    events.add(
        new StreamEvent.StopChanged(
            stop.symbol(),
            stop.clientId(),
            StopStatus.FILLED,
            stop.triggerPrice(),
            qty,
            mark,
            clock.now()));
  }

  private void finishStop(
      StopOrder stop,
      StopStatus status,
      BigDecimal filled,
      BigDecimal avg,
      List<StreamEvent> events) {
    putStop(withStatus(stop, status));
    events.add(
        new StreamEvent.StopChanged(
            stop.symbol(), stop.clientId(), status, stop.triggerPrice(), filled, avg, clock.now()));
  }

  private static StopOrder withStatus(StopOrder stop, StopStatus status) {
    return new StopOrder(
        stop.symbol(),
        stop.clientId(),
        stop.orderId(),
        stop.positionSide(),
        stop.triggerPrice(),
        status);
  }

  private ExchangePosition toExchangePosition(Symbol symbol, Pos pos) {
    BigDecimal mark = marks.getOrDefault(symbol, pos.entryPrice);
    return new ExchangePosition(symbol, pos.signedSize, pos.entryPrice, mark, pos.updatedAt);
  }

  // ---------------------------------------------------------------- stream delivery

  /** Applies the stream knobs (drop, hold, delay) and delivers what remains. */
  private void emit(List<StreamEvent> events) {
    List<StreamEvent> now = new ArrayList<>();
    Duration delay;
    synchronized (this) {
      delay = streamDelay;
      for (StreamEvent e : events) {
        Integer drops = dropNext.get(e.getClass());
        if (drops != null && drops > 0) {
          dropNext.put(e.getClass(), drops - 1);
          dropped++;
          continue;
        }
        if (holding) {
          held.add(e);
        } else {
          now.add(e);
        }
      }
    }
    if (now.isEmpty()) {
      return;
    }
    if (delay.isPositive()) {
      ((ManualClock) clock).schedule(delay, () -> deliverNow(now));
    } else {
      deliverNow(now);
    }
  }

  /**
   * Delivers events in order. A listener that calls back into the venue gets the resulting events
   * after it returns, never nested inside its own handling.
   */
  private void deliverNow(List<StreamEvent> events) {
    synchronized (this) {
      outbox.addAll(events);
      if (delivering) {
        return;
      }
      delivering = true;
    }
    try {
      while (true) {
        StreamEvent next;
        StreamListener target;
        synchronized (this) {
          next = outbox.pollFirst();
          if (next == null) {
            return;
          }
          target = listener;
          boolean connected = connection != ConnectionState.DISCONNECTED;
          if (target == null || !(connected || next instanceof StreamEvent.ConnectionChanged)) {
            continue; // nobody is listening: the event is lost, as on a real socket
          }
          delivered.add(next);
        }
        target.onEvent(next);
      }
    } finally {
      synchronized (this) {
        delivering = false;
      }
    }
  }
}
