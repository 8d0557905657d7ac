package io.positionkeeper.domain.sim;

import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The invariants checked after every step, each against the venue's truth (the fake exchange),
 * never against what the keeper believes.
 */
final class Invariants {
  /**
   * I1's bounded window, counted in time the keeper can see the venue (its streams resynced).
   * Opening, closing and moving a stop finish inside the step that starts them; a stop that
   * disappears on the venue is re-protected at the next trailing-timer tick (1 s) by a
   * reconciliation that may wait out its own confirmation read (2 s) and stop deadline (5 s). While
   * the streams are down the keeper does not reconcile (it cannot trust what it reads), so that
   * time does not count; the resync is followed by a reconciliation at once.
   */
  static final Duration STOP_WINDOW = Duration.ofSeconds(15);

  /** I3's quiet period: two reconciliation runs plus their slack. */
  static final Duration QUIET = Duration.ofMinutes(3);

  private final Map<Symbol, Duration> withoutOneStopFor = new HashMap<>();
  private Instant lastCheck;
  private boolean wasReady;

  Optional<Violation> check(SimWorld w, long seed, int step, Instant quietSince) {
    Optional<Violation> v = stopCount(w, seed, step);
    if (v.isEmpty()) {
      v = duplicateEntries(w, seed, step);
    }
    if (v.isEmpty() && !w.clock.now().isBefore(quietSince.plus(QUIET))) {
      v = rowsMatchVenue(w, seed, step);
    }
    return v;
  }

  private Optional<Violation> stopCount(SimWorld w, long seed, int step) {
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
        continue;
      }
      Duration unprotected = withoutOneStopFor.merge(symbol, seen, Duration::plus);
      if (unprotected.compareTo(STOP_WINDOW) > 0) {
        return Optional.of(
            new Violation(
                Violation.Kind.I1_STOP_COUNT,
                seed,
                step,
                symbol
                    + " open with "
                    + stops
                    + " working stops for "
                    + unprotected
                    + " of resynced time"));
      }
    }
    return Optional.empty();
  }

  private Optional<Violation> duplicateEntries(SimWorld w, long seed, int step) {
    Map<String, Integer> perEntry = new HashMap<>();
    for (MarketOrderRequest r : w.exchange.orderRequests()) {
      if (!r.reduceOnly() && perEntry.merge(r.clientOrderId().value(), 1, Integer::sum) > 1) {
        return Optional.of(
            new Violation(
                Violation.Kind.I2_DUPLICATE_ENTRY,
                seed,
                step,
                "entry " + r.clientOrderId().value() + " reached the venue twice"));
      }
    }
    return Optional.empty();
  }

  private Optional<Violation> rowsMatchVenue(SimWorld w, long seed, int step) {
    List<Position> open =
        w.keeper.book().all().stream().filter(p -> p.phase() != Phase.CLOSED).toList();
    for (ExchangePosition venue : w.exchange.openPositions()) {
      Optional<Position> row =
          open.stream().filter(p -> p.key().symbol().equals(venue.symbol())).findFirst();
      if (row.isEmpty()) {
        return found(Violation.Kind.I3_VENUE_POSITION_UNTRACKED, seed, step, venue.toString());
      }
      Position p = row.get();
      if (p.phase() != Phase.ACTIVE
          || !venue.side().equals(Optional.of(p.side()))
          || venue.size().compareTo(p.quantity()) != 0) {
        return found(Violation.Kind.I3_ROW_DIFFERS, seed, step, "venue " + venue + " vs row " + p);
      }
    }
    for (Position p : open) {
      if (w.exchange.positionSize(p.key().symbol()).signum() == 0) {
        return found(Violation.Kind.I3_ROW_WITHOUT_POSITION, seed, step, p.toString());
      }
    }
    for (StopOrder s : w.exchange.allStops()) {
      if (s.status() == StopStatus.WORKING && w.exchange.positionSize(s.symbol()).signum() == 0) {
        return found(Violation.Kind.I3_STRAY_STOP, seed, step, s.toString());
      }
    }
    return Optional.empty();
  }

  private static Optional<Violation> found(
      Violation.Kind kind, long seed, int step, String detail) {
    return Optional.of(new Violation(kind, seed, step, detail));
  }
}
