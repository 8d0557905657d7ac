package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionId;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Keeps the trailing stops of one exchange's stored positions. Every mark-price tick is evaluated
 * against the positions of its symbol only; the common tick (no new peak, no trigger) compares
 * prices and allocates nothing. Moves of the exchange stop and saves of the state run on the given
 * executor, so a tick never waits on I/O; moves are coalesced: the newest stop is the one applied.
 * A tick reads instrument rules from the catalog only: it never calls a venue.
 *
 * <p>Crossing the trailing level locally never ends the trailing stop: the venue decides what
 * closed. When the venue's stop is already at the rule's level it fires by itself; when it is
 * looser (a move was held back by the minimum interval), the rule has fired and the position is
 * closed at market through {@link TrailingExit}, as the venue's own trailing stop would have.
 */
public final class TrailingStopManager implements TrailingStops, StreamListener {
  private static final Logger log = LoggerFactory.getLogger(TrailingStopManager.class);

  /**
   * The wait before trying a failed stop move or crossed-level exit again: 1 s (the timer's tick),
   * doubling to 30 s. A refusal repeated every second for good costs the account's request weight
   * and hides the failure in the noise.
   */
  static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  /**
   * Failures in a row tried again at the next tick before the waits grow: a fault that strikes once
   * or twice (a 503, a 429) costs no more than a tick or two, as it always did.
   */
  static final int QUICK_RETRIES = 3;

  /**
   * The wait after failure number {@code inARow} of a move or an exit. Public so that a checker of
   * the keeper's promises can allow for it: a stop lags the rule during this wait by design.
   */
  public static Duration retryDelay(int inARow) {
    return inARow <= QUICK_RETRIES ? RETRY.initial() : RETRY.delay(inARow - QUICK_RETRIES + 1);
  }

  /** Failures in a row after which the trail records a critical failure (an alert). */
  static final int ALERT_AFTER = 5;

  private final Exchange exchange;
  private final ExchangeGateway gateway;
  private final MoveSettlement settlement;
  private final PositionStore positions;
  private final TrailingStopStore store;
  private final AuditTrail audit;
  private final Clock clock;
  private final TrailingPolicy policy;
  private final Executor io;
  private final PositionBook book;
  private final InstrumentCatalog instruments;
  private final TrailingExit exit;
  private final Map<Long, Tracked> byId = new ConcurrentHashMap<>();
  private final Map<Symbol, Tracked> bySymbol = new ConcurrentHashMap<>();

  /** The venue-facing parts a manager works with. */
  public record Venue(
      ExchangeGateway gateway,
      PositionBook book,
      InstrumentCatalog instruments,
      TrailingExit exit) {
    public Venue {
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(book, "book");
      Objects.requireNonNull(instruments, "instruments");
      Objects.requireNonNull(exit, "exit");
    }
  }

  public TrailingStopManager(
      Venue venue,
      PositionStore positions,
      TrailingStopStore store,
      AuditTrail audit,
      Clock clock,
      TrailingPolicy policy,
      Executor io) {
    this.gateway = venue.gateway();
    this.settlement = new MoveSettlement(gateway);
    this.exchange = gateway.exchange();
    this.book = venue.book();
    this.instruments = venue.instruments();
    this.exit = venue.exit();
    this.positions = Objects.requireNonNull(positions, "positions");
    this.store = Objects.requireNonNull(store, "store");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.io = Objects.requireNonNull(io, "io");
  }

  /** One position's trailing stop; all access under its own monitor. */
  private static final class Tracked {
    final long dbId;
    final PositionKey key;
    final PositionSide side;
    final ClientOrderId correlation;
    TrailingStopState state;
    BigDecimal peak;
    BigDecimal triggerLevel;
    Optional<StopOrder> placed;
    BigDecimal desired;

    /**
     * The newest mark evaluated and its venue time: the timer retries an exit the rule still asks
     * for at it. A mark older than it (events reordered on the way) never takes its place.
     */
    BigDecimal lastMark;

    Instant lastMarkAt;

    boolean moveInFlight;
    boolean saveInFlight;
    boolean exitInFlight;

    /** Failed moves in a row, the level the last one asked for, and when it may be asked again. */
    int moveFailures;

    BigDecimal failedTarget;

    Instant nextMoveAt = Instant.MIN;

    /** Failed exits at the crossed level in a row, and the earliest time the next may be tried. */
    int exitFailures;

    Instant nextExitAt = Instant.MIN;

    /**
     * When the venue last refused a move as a stop that would trigger at once: its mark was then
     * beyond the level asked for, which the marks the keeper holds may not show (two marks of one
     * instant can arrive in either order, and no venue time tells which is newer). The rule has
     * fired: the exit is owed until it succeeds or a mark newer than the refusal is evaluated.
     */
    Instant venueCrossedAt;

    Tracked(
        long dbId,
        PositionKey key,
        ClientOrderId correlation,
        TrailingStopState state,
        Optional<StopOrder> placed) {
      this.dbId = dbId;
      this.key = key;
      this.side = state.side();
      this.correlation = correlation;
      // Earlier versions ended a trailing stop locally when its level was crossed and saved it so;
      // only the venue ends a position, so such a state trails on.
      this.state =
          state.status() == TrailingStatus.TRIGGERED
              ? TrailingTransitions.withStatus(state, TrailingStatus.ACTIVE)
              : state;
      this.peak = state.peak();
      this.placed = placed;
      this.desired = state.currentStop().orElse(null);
      this.triggerLevel =
          this.state.status() == TrailingStatus.ACTIVE
              ? TrailingRule.triggerLevel(side, peak, state.callbackRate())
              : null;
    }

    Subject subject() {
      return Subject.stored(key, dbId, correlation.value());
    }
  }

  // ------------------------------------------------------------------ life cycle

  @Override
  public void start(
      Position position, long dbId, Instrument instrument, TrailingParams params, StopOrder stop) {
    instruments.put(exchange, instrument);
    TrailingStopState initial =
        TrailingRule.initialState(
            dbId, position, params, Optional.of(stop.triggerPrice()), clock.now());
    store.save(initial);
    track(new Tracked(dbId, position.key(), position.entryOrderId(), initial, Optional.of(stop)));
    audit.record(
        new AuditEvent.TrailingStarted(
            Subject.of(position), initial.activationPrice(), initial.callbackRate(), "opened"));
  }

  @Override
  public void onStopPlaced(Position position, long dbId, StopOrder stop) {
    Tracked t = byId.get(dbId);
    if (t != null && t.side != stop.positionSide()) {
      // The net position flipped (a late entry larger than the position, one-way mode): the old
      // side's peak, activation and level mean nothing for the new side, whose stop was placed
      // from its own entry. Trailing starts over from that stop, with the default parameters (the
      // entry that flipped it was an open that gave up; its own parameters are not known here).
      t = null;
    }
    if (t == null) {
      TrailingStopState initial =
          TrailingRule.initialState(
              dbId, position, policy.defaults(), Optional.of(stop.triggerPrice()), clock.now());
      store.save(initial);
      track(new Tracked(dbId, position.key(), position.entryOrderId(), initial, Optional.of(stop)));
      audit.record(
          new AuditEvent.TrailingStarted(
              Subject.of(position),
              initial.activationPrice(),
              initial.callbackRate(),
              "stop placed"));
      return;
    }
    TrailingStopState updated;
    synchronized (t) {
      t.placed = Optional.of(stop);
      // The state keeps the tighter level: a stand-in below a crossed level (the tightest stop the
      // venue takes) is not the trader's stop, and a restart must still owe that level's exit. If
      // the trailing stop is tighter than the new stop, the next tick or timer moves it there.
      t.state = TrailingTransitions.withCurrentStop(t.state, stop.triggerPrice());
      updated = t.state;
    }
    store.save(updated);
  }

  /** Takes over a state restored at startup, with the stop the position's row records. */
  public void adopt(
      PositionKey key,
      ClientOrderId correlation,
      TrailingStopState state,
      Optional<StopOrder> placed) {
    track(new Tracked(state.positionId(), key, correlation, state, placed));
  }

  private void track(Tracked t) {
    byId.put(t.dbId, t);
    bySymbol.put(t.key.symbol(), t);
  }

  @Override
  public void stop(long dbId) {
    Tracked t = byId.remove(dbId);
    if (t != null) {
      bySymbol.remove(t.key.symbol(), t);
    }
    store.delete(dbId);
  }

  @Override
  public boolean hasMovedStop(long dbId) {
    Tracked t = byId.get(dbId);
    if (t == null) {
      return false;
    }
    synchronized (t) {
      // Before activation the only moves are the stop-loss's own (a stand-in beyond its crossed
      // level, a return to it): a stop that fires then is the stop-loss, not the trail.
      return t.state.updateCount() > 0 && t.state.status() == TrailingStatus.ACTIVE;
    }
  }

  /** The current state of a position's trailing stop. */
  public Optional<TrailingStopState> stateOf(long dbId) {
    Tracked t = byId.get(dbId);
    if (t == null) {
      return Optional.empty();
    }
    synchronized (t) {
      return Optional.of(t.state);
    }
  }

  @Override
  public Optional<BigDecimal> trailedStop(long dbId, PositionSide side) {
    return stateOf(dbId).filter(s -> s.side() == side).flatMap(TrailingStopManager::trailedStop);
  }

  /**
   * The tighter of the trader's level (the state's, which a stand-in below a crossed level never
   * lowers) and the level the peak calls for: after a move whose answer was lost, the venue may
   * hold the new level while the state still names the old.
   */
  private static Optional<BigDecimal> trailedStop(TrailingStopState s) {
    if (s.status() != TrailingStatus.ACTIVE) {
      return s.currentStop();
    }
    BigDecimal level = TrailingRule.triggerLevel(s.side(), s.peak(), s.callbackRate());
    return Optional.of(
        s.currentStop().map(c -> TrailingRule.tighter(s.side(), c, level)).orElse(level));
  }

  /** The audit subject of a tracked position (its real correlation key). */
  public Optional<Subject> subjectOf(long dbId) {
    return Optional.ofNullable(byId.get(dbId)).map(Tracked::subject);
  }

  /** The ids of every tracked position. */
  public List<Long> trackedIds() {
    return List.copyOf(byId.keySet());
  }

  // ------------------------------------------------------------------ ticks

  @Override
  public void onEvent(StreamEvent event) {
    if (event instanceof StreamEvent.MarkPriceChanged m) {
      onMark(m.symbol(), m.markPrice(), m.time());
    }
  }

  /**
   * Evaluates one mark price for the position of its symbol. Returns what was decided (for tests
   * and the benchmark); the common case is {@link Decision#NONE} with no allocation.
   */
  public Decision onMark(Symbol symbol, BigDecimal price, Instant now) {
    Tracked t = bySymbol.get(symbol);
    if (t == null) {
      return Decision.NONE;
    }
    synchronized (t) {
      boolean stale = t.lastMarkAt != null && now.isBefore(t.lastMarkAt);
      if (!stale) {
        t.lastMark = price;
        t.lastMarkAt = now;
      }
      if (t.venueCrossedAt != null && now.isAfter(t.venueCrossedAt)) {
        // A mark newer than the venue's refusal says where the mark is now.
        t.venueCrossedAt = null;
      }
      TrailingStopState s = t.state;
      if (!TrailingRule.isNewPeak(t.side, price, t.peak)) {
        Decision activation = Decision.NONE;
        if (s.status() == TrailingStatus.INACTIVE
            && TrailingRule.reachedActivation(t.side, t.peak, s.activationPrice())) {
          // The peak so far already qualifies (an activation at or behind the entry): activate
          // once.
          activation = newPeak(t, t.peak, now);
        }
        if (t.triggerLevel != null && TrailingRule.triggers(t.side, t.lastMark, t.triggerLevel)) {
          return crossed(t, t.lastMark);
        }
        return activation;
      }
      return newPeak(t, price, now);
    }
  }

  /** The outcome of one evaluation. */
  public enum Decision {
    NONE,
    PEAK,
    ACTIVATED,
    MOVE,
    MOVE_PENDING,
    /** The rule's level was crossed and the venue's stop is at it: the venue closes. */
    TRIGGERED,
    /** The rule's level was crossed while the venue's stop was looser: closing at market. */
    EXIT
  }

  private Decision newPeak(Tracked t, BigDecimal price, Instant now) {
    TrailingStopState s = t.state;
    t.peak = price;
    Decision decision = Decision.PEAK;
    TrailingStatus status = s.status();
    Optional<Instant> activatedAt = s.activatedAt();
    if (status == TrailingStatus.INACTIVE
        && TrailingRule.reachedActivation(t.side, price, s.activationPrice())) {
      status = TrailingStatus.ACTIVE;
      activatedAt = Optional.of(now);
      decision = Decision.ACTIVATED;
    }
    if (status == TrailingStatus.ACTIVE) {
      t.triggerLevel = TrailingRule.triggerLevel(t.side, price, s.callbackRate());
      Optional<Instrument> instrument = instruments.find(exchange, t.key.symbol());
      if (instrument.isPresent()) {
        BigDecimal candidate =
            TrailingRule.stopFor(t.side, price, s.callbackRate(), instrument.get());
        t.desired =
            t.desired == null ? candidate : TrailingRule.tighter(t.side, t.desired, candidate);
      }
    }
    t.state = TrailingTransitions.withPeak(s, price, status, activatedAt);
    if (decision == Decision.ACTIVATED) {
      audit.record(
          new AuditEvent.TrailingActivated(
              t.subject(), price, Optional.ofNullable(t.desired).orElse(price)));
      scheduleSave(t);
    }
    // A late mark was reached before the newest one: its peak counts (the venue's own trailing
    // stop saw it), and the newest mark may already be beyond the level that peak calls for. The
    // venue then refuses the move (its stop would trigger at once), and marks may stay still for
    // minutes: the rule has fired, so the position is closed at market as for any crossing.
    if (t.triggerLevel != null
        && t.lastMark != null
        && TrailingRule.triggers(t.side, t.lastMark, t.triggerLevel)) {
      return crossed(t, t.lastMark);
    }
    Decision move = considerMove(t, now);
    if (move != Decision.NONE) {
      return move;
    }
    if (saveDue(t.state, now)) {
      scheduleSave(t);
    }
    return decision;
  }

  /**
   * The price crossed the rule's level. A venue stop at that level fires by itself; a looser one
   * means the rule fired while a move was held back, so the position is closed at market (once, off
   * the tick thread). The state stays as it is: only the venue's answer ends it.
   */
  private Decision crossed(Tracked t, BigDecimal price) {
    if (t.placed.isEmpty() || t.desired == null || t.exitInFlight) {
      return Decision.TRIGGERED;
    }
    BigDecimal placed = t.placed.get().triggerPrice();
    if (TrailingRule.improvement(t.side, t.desired, placed).signum() <= 0) {
      return Decision.TRIGGERED;
    }
    if (clock.now().isBefore(t.nextExitAt)) {
      // The exit failed just before: it is owed, and tried again after its backoff. Nothing else
      // is tried meanwhile (a move to the crossed level is one the venue refuses).
      return Decision.EXIT;
    }
    t.exitInFlight = true;
    // A trailing stop not yet activated has no trigger level of its own: the level crossed is the
    // stop it asks for (the opening's), which the venue just refused as triggering at once.
    BigDecimal level = t.triggerLevel != null ? t.triggerLevel : t.desired;
    CloseReason reason = t.triggerLevel != null ? CloseReason.TRAILING_STOP : CloseReason.STOP_LOSS;
    String action =
        t.venueCrossedAt == null
            ? "closing at market"
            : "the venue refused the stop at "
                + t.desired.toPlainString()
                + " as triggering at once (its mark is beyond it); closing at market";
    io.execute(() -> exitAtMarket(t, price, level, placed, action, reason));
    return Decision.EXIT;
  }

  private void exitAtMarket(
      Tracked t,
      BigDecimal price,
      BigDecimal level,
      BigDecimal placed,
      String action,
      CloseReason reason) {
    boolean failed = true;
    try {
      // Bookkeeping never stops the exit: an event that cannot be built is recorded as such.
      audit.record(
          t.subject(),
          () -> new AuditEvent.TrailingTriggered(t.subject(), price, level, placed, action));
      exit.closeAtMarket(t.key, t.dbId, reason);
      failed = false;
    } catch (RuntimeException e) {
      int inARow;
      synchronized (t) {
        inARow = ++t.exitFailures;
        t.nextExitAt = clock.now().plus(retryDelay(inARow));
      }
      log.error(
          "closing position {} at its crossed trailing level failed ({} in a row)",
          t.dbId,
          inARow,
          e);
      audit.record(
          new AuditEvent.OperationFailed(
              t.subject(),
              inARow == ALERT_AFTER ? "trailingExit.repeated" : "trailingExit",
              e.getClass().getSimpleName() + ": " + e.getMessage() + retrying(inARow, placed),
              inARow == ALERT_AFTER ? Severity.CRITICAL : Severity.ERROR));
    } finally {
      synchronized (t) {
        t.exitInFlight = false;
        if (!failed) {
          t.exitFailures = 0;
          t.nextExitAt = Instant.MIN;
          t.venueCrossedAt = null;
        }
      }
    }
    if (failed) {
      standIn(t);
    }
  }

  /**
   * The exit at a crossed level failed: until it goes out, the stop moves to the tightest level the
   * venue takes, one tick beyond its mark (read just before), when that beats the placed stop by
   * the minimum step and the minimum interval since the last move allows. The trader's level cannot
   * be placed (the venue refuses a stop that would trigger at once), and the stop still working may
   * be far looser (the opening's, a move held back). Each failed exit looks again, so the stand-in
   * follows the mark back toward the level. Never a loosening: only a tighter stop is asked for.
   * The state keeps the trader's level.
   */
  private void standIn(Tracked t) {
    Optional<Instrument> instrument = instruments.find(exchange, t.key.symbol());
    if (instrument.isEmpty()) {
      return; // no tick to place it on; the timer loads the rules and the next failure looks again
    }
    BigDecimal mark;
    try {
      mark = gateway.markPrice(t.key.symbol()).price();
    } catch (RuntimeException e) {
      // A read asks nothing of the venue, so nothing is in doubt, whether the venue refused it or
      // a driver's bug (logged as an error) read its answer wrong. Thrown on, it would end the
      // caller's pass over the other positions.
      log.atLevel(e instanceof PortException ? Level.WARN : Level.ERROR)
          .setCause(e)
          .log(
              "reading the mark of {} failed; the stop of position {} waits for the next failed"
                  + " exit to move beyond it",
              t.key.symbol(),
              t.dbId);
      return;
    }
    BigDecimal level = instrument.get().tightestStopBeyond(t.side, mark).value();
    synchronized (t) {
      if (t.moveInFlight || t.placed.isEmpty() || t.desired == null) {
        return;
      }
      if (TrailingRule.improvement(t.side, level, t.desired).signum() >= 0) {
        return; // the mark is back over the trader's level: the rule's own move takes it there
      }
      if (!beatsByMinStep(t, level) || movedWithinMinInterval(t, clock.now())) {
        return; // the move rules hold for a stand-in too; the next failed exit looks again
      }
      t.moveInFlight = true;
    }
    move(t, new MoveTarget.StandIn(level, mark));
  }

  /** Whether {@code target} is tighter than the placed stop by at least the minimum step. */
  private boolean beatsByMinStep(Tracked t, BigDecimal target) {
    BigDecimal placed = t.placed.orElseThrow().triggerPrice();
    BigDecimal gain = TrailingRule.improvement(t.side, target, placed);
    BigDecimal minStep = placed.multiply(policy.minStepPercent()).movePointLeft(2);
    return gain.signum() > 0 && gain.compareTo(minStep) >= 0;
  }

  /** Whether the stop last moved less than the minimum interval before {@code now}. */
  private boolean movedWithinMinInterval(Tracked t, Instant now) {
    Optional<Instant> last = t.state.lastMovedAt();
    return last.isPresent()
        && Duration.between(last.get(), now).compareTo(policy.minMoveInterval()) < 0;
  }

  /**
   * Where a move takes the stop: the trader's level (read when the move runs, so a newer peak's
   * level is the one applied), or a stand-in beyond the venue's mark while that level is crossed.
   */
  private sealed interface MoveTarget {
    record Desired() implements MoveTarget {}

    record StandIn(BigDecimal level, BigDecimal mark) implements MoveTarget {}
  }

  /**
   * How a failure goes on: the next attempt's wait, and (once it keeps failing) that the stop
   * placed still guards the position.
   */
  private static String retrying(int inARow, BigDecimal placed) {
    return "; "
        + inARow
        + " in a row, tried again in "
        + retryDelay(inARow).toSeconds()
        + " s; the stop at "
        + placed.toPlainString()
        + " still guards the position";
  }

  /**
   * Decides whether the exchange stop moves now: only to a tighter stop, by at least the minimum
   * step, and not sooner than the minimum interval after the last move. A move that must wait stays
   * pending; the timer ({@link #onTimer}) applies the newest desired stop when the interval allows.
   */
  private Decision considerMove(Tracked t, Instant now) {
    if (t.desired == null || t.placed.isEmpty() || t.moveInFlight) {
      return Decision.NONE;
    }
    if (!beatsByMinStep(t, t.desired)) {
      return Decision.NONE;
    }
    if (movedWithinMinInterval(t, now)) {
      return Decision.MOVE_PENDING;
    }
    if (now.isBefore(t.nextMoveAt) && t.desired.compareTo(t.failedTarget) == 0) {
      // The same level failed just before: asked again after its backoff. A new peak's level is
      // a new request and goes at once (the stop follows the market as soon as the venue takes it).
      return Decision.MOVE_PENDING;
    }
    t.moveInFlight = true;
    io.execute(() -> move(t, new MoveTarget.Desired()));
    return Decision.MOVE;
  }

  /** Applies pending moves whose interval has passed and saves states that are due. */
  public void onTimer() {
    Instant now = clock.now();
    loadMissingInstruments();
    for (Tracked t : byId.values()) {
      synchronized (t) {
        catchUpDesired(t);
        if (stillCrossed(t)
            && (crossed(t, t.lastMark) == Decision.EXIT || t.exitInFlight || t.exitFailures > 0)) {
          // The exit acts on a crossed level (or waits out its backoff): a move to a level the
          // mark already crossed is one the venue refuses as triggering at once.
          continue;
        }
        if (considerMove(t, now) == Decision.NONE && saveDue(t.state, now)) {
          scheduleSave(t);
        }
      }
    }
  }

  /**
   * Whether the last mark is still beyond the rule's level. An exit at market that failed is tried
   * again on the timer while it is: marks may stay still for minutes, and the move the keeper would
   * try instead is one the venue refuses (a stop on the wrong side of the mark would trigger at
   * once), which left the position behind a stop looser than the rule for as long as marks stayed.
   * A venue that refused a move as triggering at once has said the same of its own mark, which the
   * last mark the keeper holds may not show.
   */
  private static boolean stillCrossed(Tracked t) {
    if (t.lastMark == null || t.triggerLevel == null) {
      return false;
    }
    return t.venueCrossedAt != null || TrailingRule.triggers(t.side, t.lastMark, t.triggerLevel);
  }

  private void move(Tracked t, MoveTarget to) {
    StopOrder current;
    BigDecimal target;
    synchronized (t) {
      current = t.placed.orElseThrow();
      target =
          switch (to) {
            case MoveTarget.Desired d -> t.desired;
            case MoveTarget.StandIn s -> s.level();
          };
    }
    ClientOrderId newId = ClientIds.stopMove(t.correlation, clock.now());
    boolean failed = true;
    boolean counted = true;
    try {
      StopOrder moved =
          gateway.moveStopLoss(current, new StopLossRequest(t.key.symbol(), t.side, target, newId));
      recordMoved(t, current, moved);
      failed = false;
    } catch (StopWouldTriggerException e) {
      if (to instanceof MoveTarget.StandIn s) {
        // The mark moved on past the stand-in between the read and the move: no failure of the
        // venue's, and the exit the crossing owes is already being retried, which looks again.
        counted = false;
        log.info(
            "the stand-in stop of position {} at {} (mark {}) was refused as triggering at once"
                + " ({}); the next failed exit looks again",
            t.dbId,
            target,
            s.mark(),
            e.code());
        return;
      }
      // Not a failure to try again: the venue says its mark is already beyond the level the rule
      // asks for, so the rule has fired. Nothing changed on the venue (the replacement was refused
      // before the old stop was touched), and the old stop keeps guarding until the close ends the
      // position. Asking again would be refused again for as long as the marks stand still.
      log.warn(
          "the venue refused the stop of position {} at {} as triggering at once ({}): the rule"
              + " has fired, closing at market",
          t.dbId,
          target,
          e.code());
      synchronized (t) {
        t.venueCrossedAt = clock.now();
        crossed(t, Objects.requireNonNullElse(t.lastMark, target));
      }
    } catch (PortException e) {
      int inARow;
      synchronized (t) {
        inARow = t.moveFailures + 1;
      }
      log.warn(
          "moving the stop of position {} to {} failed ({} in a row)", t.dbId, target, inARow, e);
      audit.record(
          new AuditEvent.OperationFailed(
              t.subject(),
              inARow == ALERT_AFTER ? "moveStop.repeated" : "moveStop",
              e.getClass().getSimpleName()
                  + ": "
                  + e.getMessage()
                  + retrying(inARow, current.triggerPrice()),
              inARow == ALERT_AFTER ? Severity.CRITICAL : Severity.WARNING));
      // A move the venue made all the same (its cancel half timed out after the new stop was
      // placed) ends the failures in a row: counted on, they made the next lone refusal, minutes
      // later, wait as if the venue had refused every move since.
      failed = !settleFromVenue(t, current);
      if (failed && to instanceof MoveTarget.Desired) {
        keepAskedLevel(t, target);
      }
    } catch (RuntimeException e) {
      // Thrown outside the ports' taxonomy (a driver's bug reading the answer): as ambiguous as a
      // lost answer, since the venue may have taken the move. Left unsettled, the state names the
      // old level; after a restart the stop trails from there and can amend the venue's tighter
      // stop looser (Bybit keeps the stop's id, so reconciliation sees nothing wrong).
      log.error("moving the stop of position {} to {} failed unexpectedly", t.dbId, target, e);
      try {
        failed = !settleFromVenue(t, current);
      } catch (RuntimeException again) {
        e.addSuppressed(again);
      }
      if (failed && to instanceof MoveTarget.Desired) {
        keepAskedLevel(t, target);
      }
      throw e;
    } finally {
      synchronized (t) {
        t.moveInFlight = false;
        // A stand-in the mark outran is neither a failure nor a success: the count stays.
        if (failed && counted) {
          // A refused move is not sent again on every tick: a venue that says the new level would
          // trigger at once (its mark already beyond it) or that keeps failing is asked again
          // with a growing wait. The stop placed keeps guarding the position meanwhile, and a
          // crossed level is the exit's to act on, not the move's.
          t.moveFailures++;
          t.failedTarget = target;
          t.nextMoveAt = clock.now().plus(retryDelay(t.moveFailures));
        } else if (!failed) {
          t.moveFailures = 0;
          t.failedTarget = null;
          t.nextMoveAt = Instant.MIN;
        }
      }
    }
  }

  /**
   * A move to the trader's level failed or stays in doubt: the venue may hold that level all the
   * same (Bybit amends the stop in place, under its id), and the peak that asked for it may not be
   * saved yet (peaks are saved on a cadence). The state's level, the trader's whether or not the
   * venue took it, is saved now: after a restart with the stop gone, the re-placement is at that
   * level, never at an older, looser one. A save that fails is logged; the next save retries.
   */
  private void keepAskedLevel(Tracked t, BigDecimal target) {
    TrailingStopState toSave;
    synchronized (t) {
      t.state = TrailingTransitions.withCurrentStop(t.state, target);
      toSave = t.state;
    }
    try {
      store.save(toSave);
    } catch (RuntimeException e) {
      log.warn(
          "saving the level {} asked of position {} after its move failed did not succeed; the next"
              + " save retries",
          target,
          t.dbId,
          e);
    }
  }

  /**
   * A failed move may have happened all the same: the venue says which stop now works. True when it
   * did and the move is recorded, as a move that answered would be.
   */
  private boolean settleFromVenue(Tracked t, StopOrder current) {
    MoveSettlement.Outcome outcome = settlement.settle(current, t.side, t.correlation, t.dbId);
    Optional<StopOrder> replaced = MoveSettlement.replaced(outcome);
    if (replaced.isPresent()) {
      try {
        recordMoved(t, current, replaced.get());
        return true;
      } catch (PortException e) {
        log.warn("recording the settled move of position {} failed", t.dbId, e);
      }
    } else if (outcome instanceof MoveSettlement.Outcome.Unknown unknown) {
      log.warn("the move of position {} stays in doubt: {}", t.dbId, unknown.reason());
    }
    return false;
  }

  private void recordMoved(Tracked t, StopOrder current, StopOrder moved) {
    Instant now = clock.now();
    TrailingStopState saved;
    synchronized (t) {
      t.placed = Optional.of(moved);
      TrailingStopState s = t.state;
      t.state = TrailingTransitions.moved(s, moved.triggerPrice(), now);
      saved = t.state;
    }
    book.recordStop(t.key, new PositionId.Db(t.dbId, t.correlation.value()), moved.clientId());
    try {
      positions.recordStop(
          t.dbId,
          moved.clientId(),
          moved.triggerPrice(),
          audit.toRecord(
              new AuditEvent.StopMoved(
                  t.subject(),
                  current.clientId(),
                  moved.clientId(),
                  current.triggerPrice(),
                  moved.triggerPrice())));
    } catch (RuntimeException e) {
      // The trailing state still takes the level the venue works: a restart restores it, and
      // never moves the stop back below it. Bybit amends the stop in place under one id, so the
      // row's stale level would otherwise pass for the placed one. A driver's bug in the row's
      // write (not only a port failure) leaves the row just as stale.
      try {
        store.save(saved);
      } catch (RuntimeException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    store.save(saved);
  }

  private boolean saveDue(TrailingStopState s, Instant now) {
    if (Duration.between(s.lastSavedAt(), now).compareTo(policy.saveInterval()) >= 0
        && s.peak().compareTo(s.lastSavedPeak()) != 0) {
      return true;
    }
    BigDecimal change = s.peak().subtract(s.lastSavedPeak()).abs();
    return change
                .multiply(BigDecimal.valueOf(100))
                .compareTo(s.lastSavedPeak().multiply(policy.savePeakChangePercent()))
            >= 0
        && change.signum() > 0;
  }

  private void scheduleSave(Tracked t) {
    if (t.saveInFlight) {
      return;
    }
    t.saveInFlight = true;
    io.execute(
        () -> {
          TrailingStopState toSave;
          Instant now = clock.now();
          synchronized (t) {
            TrailingStopState s = t.state;
            toSave = TrailingTransitions.saved(s, s.peak(), now);
          }
          try {
            store.save(toSave);
            synchronized (t) {
              TrailingStopState s = t.state;
              t.state = TrailingTransitions.saved(s, toSave.lastSavedPeak(), toSave.lastSavedAt());
            }
          } catch (PortException e) {
            log.warn(
                "saving the trailing state of position {} failed; the next save retries",
                t.dbId,
                e);
          } finally {
            synchronized (t) {
              t.saveInFlight = false;
            }
          }
        });
  }

  /** An active stop whose rules arrived after its peak: compute the stop the peak asks for. */
  private void catchUpDesired(Tracked t) {
    if (t.state.status() != TrailingStatus.ACTIVE) {
      return;
    }
    instruments
        .find(exchange, t.key.symbol())
        .ifPresent(
            instrument -> {
              BigDecimal candidate =
                  TrailingRule.stopFor(t.side, t.peak, t.state.callbackRate(), instrument);
              t.desired =
                  t.desired == null
                      ? candidate
                      : TrailingRule.tighter(t.side, t.desired, candidate);
            });
  }

  /** Reads the rules a tracked position still lacks: on the timer, never on a tick. */
  private void loadMissingInstruments() {
    for (Tracked t : byId.values()) {
      Symbol symbol = t.key.symbol();
      if (instruments.find(exchange, symbol).isPresent()) {
        continue;
      }
      try {
        instruments.get(gateway, symbol);
      } catch (PortException e) {
        log.warn(
            "rules of {} {} unavailable; its trailing stop waits for them", exchange, symbol, e);
      }
    }
  }

  /** The stop a position's row records, as the port's stop order (the venue id is not needed). */
  public static Optional<StopOrder> recordedStop(
      Symbol symbol,
      PositionSide side,
      Optional<ClientOrderId> stopId,
      Optional<BigDecimal> stopPrice) {
    if (stopId.isEmpty() || stopPrice.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new StopOrder(
            symbol, stopId.get(), Optional.empty(), side, stopPrice.get(), StopStatus.WORKING));
  }
}
