package io.positionkeeper.domain.sim;

import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.sim.Violation.Kind;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
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
   * I1's bounded window, counted in time the keeper can see the venue (its streams resynced).
   * Opening, closing and moving a stop finish inside the step that starts them; a stop that
   * disappears on the venue is re-protected at the next trailing-timer tick (1 s) by a
   * reconciliation that may wait out its confirmation read (2 s) and its stop deadline (5 s). While
   * the streams are down the keeper does not reconcile (it cannot trust what it reads), so that
   * time does not count; the resync is followed by a reconciliation at once.
   */
  static final Duration STOP_WINDOW = Duration.ofSeconds(15);

  /**
   * I1's window when the stream lost news silently (an event dropped, or held back) while the
   * position was unprotected: nothing tells the keeper but the periodic reconciliation (1 min).
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

  /** I6: periodic tasks on the clock (four kinds, each re-scheduling itself) and stream delays. */
  static final int MAX_CLOCK_TASKS = 64;

  private final SimWorld w;
  private final Map<Symbol, Duration> withoutOneStopFor = new HashMap<>();
  private final Map<Symbol, Instant> withoutOneStopSince = new HashMap<>();
  private final Map<Symbol, StopLevel> tightest = new HashMap<>();
  private final Set<Long> closedRowsChecked = new HashSet<>();
  private final Map<String, Integer> entriesSeen = new HashMap<>();
  private int ordersChecked;
  private final Set<String> recordIds = new HashSet<>();
  private Instant lastCheck;
  private boolean wasReady;
  private Instant quietSince;
  private Instant lastBlind = Instant.MIN;
  private long droppedSeen;

  private record StopLevel(PositionSide side, BigDecimal trigger) {}

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
      v = RowsMatchVenue.check(w, step);
    }
    return v;
  }

  private void noteBlindness() {
    long dropped = w.exchange.droppedEvents();
    if (dropped != droppedSeen || w.exchange.heldEvents() > 0) {
      lastBlind = w.clock.now();
    }
    droppedSeen = dropped;
  }

  /** Blindness (held events released reversed count too) starts the stream's window again. */
  void blind() {
    lastBlind = w.clock.now();
  }

  // ------------------------------------------------------------------ I1

  private Optional<Violation> stopCount(int step) {
    Instant now = w.clock.now();
    Duration seen =
        lastCheck == null || !wasReady ? Duration.ZERO : Duration.between(lastCheck, now);
    lastCheck = now;
    wasReady = w.exchange.connectionState() == ConnectionState.RESYNCED;
    for (Symbol symbol : SimWorld.SYMBOLS) {
      boolean open = w.exchange.positionSize(symbol).signum() != 0;
      long stops = w.exchange.workingStops(symbol).size();
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
                    + " open with "
                    + stops
                    + " working stops for "
                    + unprotected
                    + " of resynced time since "
                    + since
                    + " (window "
                    + window
                    + ")"));
      }
    }
    return Optional.empty();
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

  private Optional<Violation> stopNeverLoosens(int step) {
    for (Symbol symbol : SimWorld.SYMBOLS) {
      BigDecimal size = w.exchange.positionSize(symbol);
      if (size.signum() == 0) {
        tightest.remove(symbol);
        continue;
      }
      PositionSide side = size.signum() > 0 ? PositionSide.LONG : PositionSide.SHORT;
      Optional<BigDecimal> now =
          w.exchange.workingStops(symbol).stream()
              .filter(s -> s.positionSide() == side)
              .map(StopOrder::triggerPrice)
              .reduce((a, b) -> tighter(side, a, b));
      if (now.isEmpty()) {
        continue; // no stop at all is I1's business
      }
      StopLevel before = tightest.get(symbol);
      if (before != null && before.side() == side && looser(side, now.get(), before.trigger())) {
        return Optional.of(
            new Violation(
                Kind.I5_STOP_LOOSENED,
                step,
                symbol
                    + " "
                    + side
                    + " stop loosened from "
                    + before.trigger().toPlainString()
                    + " to "
                    + now.get().toPlainString()));
      }
      tightest.put(symbol, new StopLevel(side, now.get()));
    }
    return Optional.empty();
  }

  private static BigDecimal tighter(PositionSide side, BigDecimal a, BigDecimal b) {
    return looser(side, a, b) ? b : a;
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
