package io.positionkeeper.runner.alerts;

import io.positionkeeper.domain.position.Position;
import io.positionkeeper.runner.metrics.Protection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What no single event tells, checked by {@link #check()} on a timer: a position open without a
 * stop past {@code bound} (once per position until it is protected again), new dead-lettered audit
 * records, and the lease lost.
 */
public final class AlertWatch {
  private final Supplier<List<Position>> positions;
  private final LongSupplier deadLetters;
  private final BooleanSupplier leaseHeld;
  private final Consumer<Alert> sink;
  private final Supplier<Instant> now;
  private final Duration bound;
  private final Map<String, Instant> unprotectedSince = new HashMap<>();
  private final Set<String> told = new HashSet<>();
  private long deadLettersSeen;
  private boolean leaseWasHeld = true;

  public AlertWatch(
      Supplier<List<Position>> positions,
      LongSupplier deadLetters,
      BooleanSupplier leaseHeld,
      Consumer<Alert> sink,
      Supplier<Instant> now,
      Duration bound) {
    this.positions = Objects.requireNonNull(positions, "positions");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.leaseHeld = Objects.requireNonNull(leaseHeld, "leaseHeld");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.now = Objects.requireNonNull(now, "now");
    this.bound = Objects.requireNonNull(bound, "bound");
  }

  public synchronized void check() {
    Instant at = now.get();
    unprotected(at);
    long dead = deadLetters.getAsLong();
    if (dead > deadLettersSeen) {
      sink.accept(
          new Alert(
              Alert.Kind.DEAD_LETTERS,
              at,
              (dead - deadLettersSeen) + " audit records dead-lettered",
              Map.of("total", Long.toString(dead), "table", "monitoring.dead_letter_events")));
      deadLettersSeen = dead;
    }
    boolean held = leaseHeld.getAsBoolean();
    if (leaseWasHeld && !held) {
      sink.accept(
          new Alert(
              Alert.Kind.LEASE_LOST,
              at,
              "account lease lost; this runner stops trading",
              Map.of()));
    }
    leaseWasHeld = held;
  }

  private void unprotected(Instant at) {
    Set<String> now = new HashSet<>();
    for (Position p : positions.get()) {
      if (!Protection.isUnprotected(p)) {
        continue;
      }
      String key = p.correlationKey();
      now.add(key);
      Instant since = unprotectedSince.computeIfAbsent(key, k -> at);
      if (!Duration.between(since, at).minus(bound).isNegative() && told.add(key)) {
        sink.accept(
            new Alert(
                Alert.Kind.POSITION_UNPROTECTED,
                at,
                p.key().symbol().value()
                    + " open without a stop-loss for "
                    + Duration.between(since, at).toSeconds()
                    + " s",
                Map.of(
                    "exchange", p.key().exchange().name(),
                    "side", p.side().name(),
                    "quantity", p.quantity().toPlainString(),
                    "correlation", key)));
      }
    }
    unprotectedSince.keySet().retainAll(now);
    told.retainAll(now);
  }
}
