package io.positionkeeper.domain.sim;

import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.reconcile.ReconcilePolicy;
import io.positionkeeper.domain.sim.Violation.Kind;
import io.positionkeeper.domain.trailing.TrailingRule;
import io.positionkeeper.domain.trailing.TrailingStopManager;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The invariants checked after every step, each against the venue's truth (the fake exchange) and
 * the stores, never against what the keeper believes about itself.
 */
final class Invariants {
  /**
   * I1's bounded window, counted in time the keeper can see the venue ({@link #visible}). Opening,
   * closing and moving a stop finish inside the step that starts them; a stop that disappears on
   * the venue is re-protected at the next trailing-timer tick (1 s) by a reconciliation that may
   * wait out its confirmation read (2 s) and its stop deadline (5 s). The resync after an outage is
   * followed by a reconciliation at once.
   */
  static final Duration STOP_WINDOW = Duration.ofSeconds(15);

  /**
   * The time the streams may be down before the keeper reads the venue by REST alone, on that same
   * cadence: until then a reconnect's resync is likely first, and that time does not count.
   */
  static final Duration BLIND_AFTER = ReconcilePolicy.standard().blindAfter();

  /**
   * I1's window when the stream lost news silently (an event dropped, or held back) or was down
   * while the position was unprotected: nothing tells the keeper but the periodic reconciliation (1
   * min), or during an outage its reconciliation by REST alone (every {@link #BLIND_AFTER}).
   */
  static final Duration BLIND_STOP_WINDOW = Duration.ofSeconds(75);

  /**
   * I1's window for a second stop beside the first: the position is protected (a close-position
   * stop can only close it), and the extra one, left by a move whose cancel half failed or a lost
   * answer, goes at the next reconciliation (1 min) if the trailing stop's own settlement could not
   * read the venue.
   */
  static final Duration EXTRA_STOP_WINDOW = Duration.ofSeconds(75);

  /** I3's quiet period: a pending registration's deadline (2 min), one reconciliation, slack. */
  static final Duration QUIET = Duration.ofMinutes(4);

  /**
   * I3's time for a row to name a stop that began working on the venue: a trailing move happens in
   * a calm mark step, and when the store refuses its {@code recordStop} the keeper's memory names
   * the new stop at once while the row follows at the next reconciliation (1 min), slack.
   */
  static final Duration RECORD_WINDOW = Duration.ofSeconds(75);

  /**
   * I5's window for bringing a stop back to the tightest level its position reached, after a stop
   * was cancelled by hand and a looser one of the position's still works (two stops left by a move
   * whose cancel half failed): the trailing timer (1 s) moves it once the minimum interval (2 s)
   * allows, or a reconciliation (1 min) records it first. Counted, as {@link #STOP_WINDOW} is, in
   * time the keeper can see the venue ({@link #visible}): the cancel is news only on the stream or
   * to a reconciliation; a looser stop of the position's guards it meanwhile, so I1 holds.
   */
  static final Duration RESTORE_WINDOW = Duration.ofSeconds(75);

  /**
   * I5's tolerance, the keeper's own move rule: it moves the venue's stop only when the stop the
   * peak asks for (the rule's level rounded to the tick on the tight side, so never looser than the
   * level) beats the placed stop by at least this fraction of the placed stop. A stop at rest is
   * therefore less than this fraction of itself behind the rule's level; no tick of slack is due.
   */
  static final BigDecimal MIN_MOVE =
      KeeperPolicy.standard().trailing().minStepPercent().movePointLeft(2);

  /**
   * I5's settling time after the marks or the venue last gave the keeper something to do: a new
   * peak's move held back by the minimum interval (2 s since the last move) is applied by the first
   * trailing-timer tick (every 1 s) after the interval; a move that met a venue fault up to three
   * times in a row is tried again at the next tick, which this covers too (the failed move did not
   * restart the interval). Longer runs of faults wait for the keeper's backoff ({@code
   * settlingTime}).
   */
  static final Duration MOVE_CADENCE =
      KeeperPolicy.standard()
          .trailing()
          .minMoveInterval()
          .plus(KeeperPolicy.standard().trailingTimerEvery());

  /** I6: periodic tasks on the clock (four kinds, each re-scheduling itself) and stream delays. */
  static final int MAX_CLOCK_TASKS = 64;

  private final SimWorld w;
  private final Map<Symbol, Duration> withoutOneStopFor = new HashMap<>();
  private final Map<Symbol, Instant> withoutOneStopSince = new HashMap<>();
  private final Map<Symbol, StopLife> lives = new HashMap<>();
  private final Map<Symbol, PlacedStops> placedLives = new HashMap<>();
  private final Set<Symbol> handCancelled = new HashSet<>();
  private final Set<Long> closedRowsChecked = new HashSet<>();
  private final Map<String, Integer> entriesSeen = new HashMap<>();
  private int ordersChecked;
  private final Set<String> recordIds = new HashSet<>();
  private Instant lastCheck;
  private boolean wasReady;
  // The time the last step gave the keeper to see the venue (I1's and I5's clock), and since when
  // the streams have been down (null while resynced).
  private Duration visibleStep = Duration.ZERO;
  private Instant blindSince;
  private Instant quietSince;
  private Instant lastBlind = Instant.MIN;
  private long droppedSeen;
  private final Map<Symbol, BigDecimal> marksSeen = new HashMap<>();
  private long faultsSeen;
  private final InARow movesFailed = new InARow(FakeExchange.Op.MOVE_STOP);
  private final InARow ordersFailed = new InARow(FakeExchange.Op.PLACE_ORDER);
  private long storeFaultsSeen;
  private Instant unsettledSince;
  private long otherFaultsSeen;
  private Instant crossedUnsettledSince;
  // When each working stop was first seen working, for I3's RECORD_WINDOW; stops that stopped
  // working are dropped, so it holds at most the working ones.
  private final Map<String, Instant> stopsFirstSeen = new HashMap<>();

  Invariants(SimWorld w) {
    this.w = w;
    this.quietSince = w.clock.now();
  }

  /** Something other than time and calm marks happened: the quiet period starts again. */
  void notQuiet() {
    quietSince = w.clock.now();
  }

  Optional<Violation> check(int step) {
    noteBlindness();
    noteUnsettled();
    movesFailed.note(w.exchange.faults());
    ordersFailed.note(w.exchange.faults());
    noteStoreFaults();
    Optional<Violation> v = stopCount(step);
    if (v.isEmpty()) {
      v = duplicateEntries(step);
    }
    if (v.isEmpty()) {
      v = Audit.check(w, step, recordIds, recordIds.size(), closedRowsChecked);
    }
    if (v.isEmpty()) {
      v = stopNeverLoosens(step);
    }
    if (v.isEmpty()) {
      v = bounded(step);
    }
    if (v.isEmpty() && !w.clock.now().isBefore(quietSince.plus(QUIET))) {
      v = RowsMatchVenue.check(w, step, recentStops());
      if (v.isEmpty() && !w.clock.now().isBefore(unsettledSince.plus(settlingTime()))) {
        v = stopFollowsRule(step);
      }
    }
    return v;
  }

  /** The working stops first seen less than {@link #RECORD_WINDOW} ago (client ids). */
  private Set<String> recentStops() {
    Instant now = w.clock.now();
    Set<String> working = new HashSet<>();
    for (Symbol symbol : SimWorld.SYMBOLS) {
      w.exchange.workingStops(symbol).forEach(s -> working.add(s.clientId().value()));
    }
    stopsFirstSeen.keySet().retainAll(working);
    working.forEach(id -> stopsFirstSeen.putIfAbsent(id, now));
    Set<String> recent = new HashSet<>();
    stopsFirstSeen.forEach(
        (id, since) -> {
          if (now.isBefore(since.plus(RECORD_WINDOW))) {
            recent.add(id);
          }
        });
    return recent;
  }

  /**
   * A store fault the history planned that met a call only now starts I3's quiet period again: a
   * history plans single faults of an operation at any step, and those of a rarely called one wait
   * for its next calls, so during a quiet stretch they can refuse the reconciliations' row writes
   * one after another (seed 5001437: five reconciliations in a row met five updates planned many
   * steps before). The keeper then gets its period after the last of them. A standing outage
   * ({@code failAlways}) does not count: a row it keeps from the venue for good is still caught.
   */
  private void noteStoreFaults() {
    long struck = w.store.faults().plannedStruck();
    if (struck != storeFaultsSeen) {
      storeFaultsSeen = struck;
      notQuiet();
    }
  }

  private void noteBlindness() {
    long dropped = w.exchange.droppedEvents();
    if (dropped != droppedSeen
        || w.exchange.heldEvents() > 0
        || w.exchange.connectionState() != ConnectionState.RESYNCED) {
      lastBlind = w.clock.now();
    }
    droppedSeen = dropped;
  }

  /**
   * A mark that changed (a new peak may ask for a move) or a venue fault that struck (a move may
   * have failed and waits for its retry) starts I5's settling time again. Both are read from the
   * venue, never from the keeper: a keeper whose moves are refused for ever does not postpone the
   * check.
   */
  private void noteUnsettled() {
    boolean changed = unsettledSince == null;
    for (Symbol symbol : SimWorld.SYMBOLS) {
      BigDecimal mark = w.exchange.markPrice(symbol).price();
      BigDecimal seen = marksSeen.put(symbol, mark);
      changed |= seen == null || seen.compareTo(mark) != 0;
    }
    long struck = w.exchange.faults().struck();
    boolean struckNow = struck != faultsSeen;
    faultsSeen = struck;
    if (changed || struckNow) {
      unsettledSince = w.clock.now();
    }
    // The exit's own order faults recur at each of its tries for as long as the order endpoint is
    // down; they are what the stand-in waits out, not a reason to wait again.
    long other =
        struck
            - w.exchange.faults().struck(FakeExchange.Op.PLACE_ORDER)
            - w.exchange.faults().struck(FakeExchange.Op.QUERY_ORDER);
    if (changed || other != otherFaultsSeen || crossedUnsettledSince == null) {
      crossedUnsettledSince = w.clock.now();
    }
    otherFaultsSeen = other;
  }

  /**
   * I5's settling time after the last disturbance: {@link #MOVE_CADENCE}, or, after moves failed
   * several times in a row, the keeper's backoff before its next try plus the timer tick that sends
   * it (three quick retries a tick apart, then 2 s doubling to 30 s: waiting out a venue that keeps
   * refusing is by design, and a stop lags the rule meanwhile). The count is the venue's, never the
   * keeper's: the move calls the fake's faults struck since a move call last went through, an upper
   * bound on any one position's failures in a row. A keeper that stops trying is still caught once
   * its longest wait has passed.
   */
  private Duration settlingTime() {
    Duration backoff = backoffAfter(movesFailed.count);
    return backoff.compareTo(MOVE_CADENCE) > 0 ? backoff : MOVE_CADENCE;
  }

  /**
   * I5's settling time for a position whose rule's level the venue's mark has crossed: the keeper
   * owes an exit at market, and while that exit fails it moves the stop to the tightest level the
   * venue takes at each failed try, so the stop follows the mark only as often as the exit is
   * tried: after the exit's own backoff (the same as a move's) plus the timer tick that sends it,
   * counted from the last mark change or venue fault other than the exit's own market orders (those
   * strike at every try while the order endpoint is down: counted, they would postpone the check
   * for as long as the outage lasts). The count is the venue's: the market orders its faults struck
   * since one last went through, an upper bound on the failed exits in a row (an exit sends its
   * order more than once within its deadline, and an open's or an emergency close's orders count
   * too).
   */
  private Duration crossedSettlingTime() {
    Duration exit = backoffAfter(ordersFailed.count);
    Duration moves = settlingTime();
    return exit.compareTo(moves) > 0 ? exit : moves;
  }

  /** The keeper's wait after {@code inARow} failures, and the timer tick that tries again. */
  private static Duration backoffAfter(long inARow) {
    return inARow == 0
        ? Duration.ZERO
        : TrailingStopManager.retryDelay((int) Math.min(inARow, 64))
            .plus(KeeperPolicy.standard().trailingTimerEvery());
  }

  /**
   * Counts the calls of one venue operation its faults struck in a row (moves, market orders), an
   * upper bound on any one position's failures in a row. Within one step the order of calls is not
   * known: when more calls were made than failed, one went through and at most the failed ones came
   * after it.
   */
  private static final class InARow {
    private final FakeExchange.Op op;
    private int callsSeen;
    private long faultsSeen;
    long count;

    InARow(FakeExchange.Op op) {
      this.op = op;
    }

    void note(FaultKnobs<FakeExchange.Op> faults) {
      int calls = faults.calls(op);
      long failed = faults.struck(op);
      long newCalls = calls - callsSeen;
      long newFailures = failed - faultsSeen;
      callsSeen = calls;
      faultsSeen = failed;
      count = newCalls > newFailures ? newFailures : count + newFailures;
    }
  }

  /** Blindness (held events released reversed count too) starts the stream's window again. */
  void blind() {
    lastBlind = w.clock.now();
  }

  // ------------------------------------------------------------------ I1

  /**
   * The part of the step just ended in which the keeper could see the venue: all of it when its
   * streams were resynced at its start; while they are down, what lies past {@link #BLIND_AFTER} of
   * the outage (the keeper then reads the venue by REST alone). The state is the venue's, read at
   * each check: an outage that began inside a step counts from the check that first sees it, at
   * most a step late.
   */
  private Duration visible(Instant now) {
    Duration seen = Duration.ZERO;
    if (lastCheck != null && wasReady) {
      seen = Duration.between(lastCheck, now);
    } else if (lastCheck != null && blindSince != null) {
      Instant from = blindSince.plus(BLIND_AFTER);
      if (from.isBefore(lastCheck)) {
        from = lastCheck;
      }
      seen = from.isBefore(now) ? Duration.between(from, now) : Duration.ZERO;
    }
    lastCheck = now;
    wasReady = w.exchange.connectionState() == ConnectionState.RESYNCED;
    if (wasReady) {
      blindSince = null;
    } else if (blindSince == null) {
      blindSince = now;
    }
    return seen;
  }

  private Optional<Violation> stopCount(int step) {
    Instant now = w.clock.now();
    Duration seen = visible(now);
    visibleStep = seen;
    for (Symbol symbol : SimWorld.SYMBOLS) {
      Optional<Violation> placedTwice = placedTwice(step, symbol);
      if (placedTwice.isPresent()) {
        return placedTwice;
      }
      BigDecimal size = w.exchange.positionSize(symbol);
      boolean open = size.signum() != 0;
      List<StopOrder> working = w.exchange.workingStops(symbol);
      long stops = working.size();
      // Only a stop on the position's own side protects it (a SELL stop for a LONG, a BUY stop for
      // a SHORT): after a net flip the old side's close-position stop is still working, and
      // stops nothing. Without one of its own side the position counts as unprotected, whatever
      // else works beside it.
      PositionSide side = size.signum() > 0 ? PositionSide.LONG : PositionSide.SHORT;
      long ownSide = working.stream().filter(o -> o.positionSide() == side).count();
      if (open && ownSide == 0) {
        stops = 0;
      }
      if (!open || stops == 1) {
        withoutOneStopFor.remove(symbol);
        withoutOneStopSince.remove(symbol);
        continue;
      }
      Instant since = withoutOneStopSince.computeIfAbsent(symbol, s -> now);
      Duration unprotected = withoutOneStopFor.merge(symbol, seen, Duration::plus);
      Duration window =
          stops > 1 || !lastBlind.isBefore(since.minusSeconds(1))
              ? (stops > 1 ? EXTRA_STOP_WINDOW : BLIND_STOP_WINDOW)
              : STOP_WINDOW;
      if (unprotected.compareTo(window) > 0) {
        return Optional.of(
            new Violation(
                Kind.I1_STOP_COUNT,
                step,
                symbol
                    + " "
                    + side
                    + " open with "
                    + stops
                    + " working stops of its side"
                    + (working.size() > ownSide
                        ? " (and " + (working.size() - ownSide) + " of the other)"
                        : "")
                    + " for "
                    + unprotected
                    + " of visible time since "
                    + since
                    + " (window "
                    + window
                    + ")"));
      }
    }
    return Optional.empty();
  }

  /**
   * I1 without a window: two stops of the position's side, both placed on the venue as new stops
   * (not as a move's replacement) while this position was open, work at once. Only an opening's
   * first stop, a rollback's leftover stop and a reconciliation's re-protection are placed as new,
   * and each of them only for a position with no stop: two of them means two owners protected one
   * position (a reconciliation that did not leave an opening its first stop). A move whose cancel
   * half failed leaves a replacement that was not placed as new, and a stop left by an earlier
   * position on the symbol was seen before this one opened: both keep the {@link
   * #EXTRA_STOP_WINDOW}.
   */
  private Optional<Violation> placedTwice(int step, Symbol symbol) {
    BigDecimal size = w.exchange.positionSize(symbol);
    List<StopOrder> working = w.exchange.workingStops(symbol);
    PlacedStops life = placedLives.computeIfAbsent(symbol, s -> new PlacedStops());
    if (size.signum() == 0) {
      life.end(working);
      return Optional.empty();
    }
    PositionSide side = size.signum() > 0 ? PositionSide.LONG : PositionSide.SHORT;
    life.follow(side, w.exchange.positionsEnded(symbol));
    List<String> placed =
        working.stream()
            .filter(o -> o.positionSide() == side)
            .map(o -> o.clientId().value())
            .filter(id -> life.isOwn(id) && w.stopOrigins.placedAsNew(id))
            .toList();
    if (placed.size() < 2) {
      return Optional.empty();
    }
    return found(
        Kind.I1_STOP_COUNT,
        step,
        symbol
            + " "
            + side
            + " open with "
            + placed.size()
            + " stops each placed as a new stop for this position: "
            + placed
            + " (never allowed)");
  }

  /** The stops seen during the current position's life on a symbol, and those of earlier ones. */
  private static final class PlacedStops {
    private final Set<String> earlier = new HashSet<>();
    private final Set<String> seen = new HashSet<>();
    private PositionSide side;
    private long ended = -1;

    /** The symbol is flat: whatever still works, or was seen, belongs to the life that ended. */
    void end(List<StopOrder> working) {
      working.forEach(s -> earlier.add(s.clientId().value()));
      earlier.addAll(seen);
      seen.clear();
      side = null;
    }

    /** Another position (other side, or one ended and another opened between two checks). */
    void follow(PositionSide s, long e) {
      if (side != null && (side != s || ended != e)) {
        end(List.of());
      }
      side = s;
      ended = e;
    }

    boolean isOwn(String clientId) {
      if (earlier.contains(clientId)) {
        return false;
      }
      seen.add(clientId);
      return true;
    }
  }

  // ------------------------------------------------------------------ I2

  private Optional<Violation> duplicateEntries(int step) {
    List<MarketOrderRequest> requests = w.exchange.orderRequests();
    for (MarketOrderRequest r : requests.subList(ordersChecked, requests.size())) {
      if (!r.reduceOnly() && entriesSeen.merge(r.clientOrderId().value(), 1, Integer::sum) > 1) {
        return Optional.of(
            new Violation(
                Kind.I2_DUPLICATE_ENTRY,
                step,
                "entry " + r.clientOrderId().value() + " reached the venue twice"));
      }
    }
    ordersChecked = requests.size();
    return Optional.empty();
  }

  // ------------------------------------------------------------------ I5

  /**
   * I5 per position life: the stops placed while this position is open (a stop left by an earlier
   * position on the symbol is not this one's, and cancelling it is right even when it was tighter),
   * and the tightest level they reached. A re-placement after every stop went must be at least as
   * tight. A stop cancelled by hand may leave a looser one of the position's working; the keeper
   * then has {@link #RESTORE_WINDOW} to bring the stop back to the tightest level it reached. A
   * level the venue's mark has crossed no longer exists on the venue: the tightest stop it takes,
   * one tick beyond its mark, is no loosening ({@link #placedBeyondACrossedBest}).
   */
  private Optional<Violation> stopNeverLoosens(int step) {
    for (Symbol symbol : SimWorld.SYMBOLS) {
      List<StopOrder> working = w.exchange.workingStops(symbol);
      BigDecimal size = w.exchange.positionSize(symbol);
      boolean byHand = handCancelled.remove(symbol);
      StopLife life = lives.get(symbol);
      if (size.signum() == 0) {
        if (life != null) {
          life.endAll(working);
        }
        continue;
      }
      PositionSide side = size.signum() > 0 ? PositionSide.LONG : PositionSide.SHORT;
      long ended = w.exchange.positionsEnded(symbol);
      if (life == null) {
        life = new StopLife(side, ended);
        lives.put(symbol, life);
      } else if (!life.isOf(side, ended)) {
        life.next(side, ended);
      }
      StopLife current = life;
      Optional<StopOrder> now =
          working.stream()
              .filter(s -> s.positionSide() == side && current.isOwn(s.clientId().value()))
              .reduce((a, b) -> looser(side, a.triggerPrice(), b.triggerPrice()) ? b : a);
      if (now.isEmpty()) {
        continue; // no stop at all is I1's business; the re-placement is measured against best
      }
      BigDecimal trigger = now.get().triggerPrice();
      if (life.best == null || !looser(side, trigger, life.best)) {
        life.best = trigger;
        life.bestId = now.get().clientId().value();
        life.restoringFor = null;
        continue;
      }
      if (placedBeyondACrossedBest(symbol, side, now.get(), life.best)) {
        continue;
      }
      if (life.restoringFor != null) {
        life.restoringFor = life.restoringFor.plus(visibleStep);
      } else if (byHand) {
        life.restoringFor = Duration.ZERO;
      }
      if (life.restoringFor != null && life.restoringFor.compareTo(RESTORE_WINDOW) <= 0) {
        continue;
      }
      return Optional.of(
          new Violation(
              Kind.I5_STOP_LOOSENED,
              step,
              symbol
                  + " "
                  + side
                  + " stop loosened from "
                  + life.best.toPlainString()
                  + " ("
                  + life.bestId
                  + ") to "
                  + trigger.toPlainString()
                  + " ("
                  + now.get().clientId().value()
                  + ")"
                  + (life.restoringFor == null
                      ? ""
                      : ", not restored within "
                          + RESTORE_WINDOW
                          + " of visible time after a cancel by hand")));
    }
    return Optional.empty();
  }

  /**
   * I5's second half: once quiet (I3's quiet period, and {@link #MOVE_CADENCE} since a mark last
   * changed or a venue fault last struck), the venue's stop of an active trailing stop is less than
   * one minimum move ({@link #MIN_MOVE} of the stop) behind the rule's level for the peak the
   * keeper holds, or tighter. A trailing stop that froze (its moves refused, never settled) trails
   * the marks on the keeper's side only and lags here. The peak is the keeper's: one lost in a
   * restart before it was saved is not asked for.
   *
   * <p>While the venue's mark is beyond the rule's level no venue takes a stop there (it would
   * trigger at once): the rule has fired, the keeper owes an exit at market, and while that exit
   * fails the tightest stop the venue takes, the nearest tick beyond its mark, is what a trader
   * wants and what is asked for, once the exit's backoff has passed ({@link #crossedSettlingTime}).
   * The opening's stop left working 3 % away was seed 4000208.
   */
  private Optional<Violation> stopFollowsRule(int step) {
    TrailingStopManager trailing = w.keeper.trailing(w.exchange.exchange());
    for (long id : trailing.trackedIds()) {
      Optional<TrailingStopState> state = trailing.stateOf(id);
      if (state.isEmpty() || state.get().status() != TrailingStatus.ACTIVE) {
        continue;
      }
      TrailingStopState s = state.get();
      BigDecimal size = w.exchange.positionSize(s.symbol());
      PositionSide side = s.side();
      if (size.signum() != (side == PositionSide.LONG ? 1 : -1)) {
        continue;
      }
      Optional<BigDecimal> venue =
          w.exchange.workingStops(s.symbol()).stream()
              .filter(o -> o.positionSide() == side)
              .map(StopOrder::triggerPrice)
              .reduce((a, b) -> looser(side, a, b) ? b : a);
      if (venue.isEmpty()) {
        continue; // I1's business
      }
      BigDecimal rule = TrailingRule.triggerLevel(side, s.peak(), s.callbackRate());
      BigDecimal mark = w.exchange.markPrice(s.symbol()).price();
      boolean crossed = TrailingRule.triggers(side, mark, rule);
      if (crossed && w.clock.now().isBefore(crossedUnsettledSince.plus(crossedSettlingTime()))) {
        continue;
      }
      BigDecimal asked =
          crossed ? nearestTickBeyond(side, mark, SimWorld.TICKS.get(s.symbol())) : rule;
      BigDecimal minMove = venue.get().multiply(MIN_MOVE);
      if (TrailingRule.improvement(side, asked, venue.get()).compareTo(minMove) >= 0) {
        return Optional.of(
            new Violation(
                Kind.I5_STOP_BEHIND_RULE,
                step,
                s.symbol()
                    + " "
                    + side
                    + " stop "
                    + venue.get().toPlainString()
                    + (crossed
                        ? " lags the tightest the venue takes, "
                            + asked.toPlainString()
                            + " (its mark "
                            + mark.toPlainString()
                            + " is beyond the rule's "
                            + rule.stripTrailingZeros().toPlainString()
                            + ")"
                        : " lags the rule's " + rule.stripTrailingZeros().toPlainString())
                    + " for peak "
                    + s.peak().toPlainString()
                    + " after a quiet period"));
      }
    }
    return Optional.empty();
  }

  /**
   * The one stop looser than the tightest level reached that is no loosening: when its level last
   * reached the venue, the venue's mark had already crossed that tightest level (at or below it for
   * a long, at or above it for a short), so the venue refuses a stop there ("would immediately
   * trigger"), and the stop lies on the nearest tick beyond that mark (strictly beyond it, and no
   * tick between the two). No tighter stop could exist then. A stop a tick further, or one placed
   * while the tightest level was still above the mark, is a loosening.
   */
  private boolean placedBeyondACrossedBest(
      Symbol symbol, PositionSide side, StopOrder stop, BigDecimal best) {
    Optional<BigDecimal> sent = w.stopOrigins.markWhenSent(stop.clientId().value());
    if (sent.isEmpty()) {
      return false;
    }
    BigDecimal mark = sent.get();
    BigDecimal tick = SimWorld.TICKS.get(symbol);
    BigDecimal trigger = stop.triggerPrice();
    return switch (side) {
      case LONG ->
          mark.compareTo(best) <= 0
              && trigger.compareTo(mark) < 0
              && trigger.add(tick).compareTo(mark) >= 0;
      case SHORT ->
          mark.compareTo(best) >= 0
              && trigger.compareTo(mark) > 0
              && trigger.subtract(tick).compareTo(mark) <= 0;
    };
  }

  /**
   * The tightest stop the venue takes against {@code mark}: the nearest tick strictly beyond it (a
   * stop at the mark would trigger at once). Worked out here from the tick, not by the keeper's
   * instrument rules, so that the check does not share the keeper's arithmetic.
   */
  static BigDecimal nearestTickBeyond(PositionSide side, BigDecimal mark, BigDecimal tick) {
    BigDecimal[] ticks = mark.divideAndRemainder(tick);
    BigDecimal whole = ticks[0];
    boolean onATick = ticks[1].signum() == 0;
    BigDecimal n =
        switch (side) {
          case LONG -> onATick ? whole.subtract(BigDecimal.ONE) : whole;
          case SHORT -> whole.add(BigDecimal.ONE);
        };
    return n.multiply(tick).stripTrailingZeros();
  }

  /** A stop was cancelled by hand on {@code symbol} in this step. */
  void cancelledByHand(Symbol symbol) {
    handCancelled.add(symbol);
  }

  /** One position's life on a symbol, as I5 follows it. */
  private static final class StopLife {
    private final Set<String> earlier = new HashSet<>();
    private final Set<String> seen = new HashSet<>();
    private PositionSide side;
    private long ended;
    BigDecimal best;
    String bestId;
    // Visible time since a cancel by hand left a looser stop of this life working.
    Duration restoringFor;

    StopLife(PositionSide side, long ended) {
      this.side = side;
      this.ended = ended;
    }

    boolean isOf(PositionSide s, long e) {
      return side == s && ended == e;
    }

    /** A stop first seen while this life was open is its own; one seen before is an earlier's. */
    boolean isOwn(String clientId) {
      if (earlier.contains(clientId)) {
        return false;
      }
      seen.add(clientId);
      return true;
    }

    /** The symbol is flat: whatever still works belongs to the life that ended. */
    void endAll(List<StopOrder> working) {
      working.forEach(s -> earlier.add(s.clientId().value()));
      earlier.addAll(seen);
      seen.clear();
      best = null;
      bestId = null;
      restoringFor = null;
    }

    /** Another position on the symbol (closed and reopened between two checks). */
    void next(PositionSide s, long e) {
      endAll(List.of());
      side = s;
      ended = e;
    }
  }

  /** Whether {@code a} is a looser stop than {@code b} for a position of {@code side}. */
  private static boolean looser(PositionSide side, BigDecimal a, BigDecimal b) {
    return switch (side) {
      case LONG -> a.compareTo(b) < 0;
      case SHORT -> a.compareTo(b) > 0;
    };
  }

  // ------------------------------------------------------------------ I6

  private Optional<Violation> bounded(int step) {
    int symbols = SimWorld.SYMBOLS.size();
    int book = w.keeper.book().size();
    int tracked = w.keeper.trailing(w.exchange.exchange()).trackedIds().size();
    int tasks = w.clock.pendingTasks();
    if (book > symbols || tracked > symbols || tasks > MAX_CLOCK_TASKS) {
      return Optional.of(
          new Violation(
              Kind.I6_UNBOUNDED,
              step,
              "book " + book + ", trailing stops " + tracked + ", clock tasks " + tasks));
    }
    return Optional.empty();
  }

  static Optional<Violation> found(Kind kind, int step, String detail) {
    return Optional.of(new Violation(kind, step, detail));
  }

  static boolean isOpen(Position p) {
    return p.phase() != Phase.CLOSED && p.phase() != Phase.ROLLED_BACK;
  }
}
