package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.open.OpenPolicy;
import io.positionkeeper.domain.reconcile.ReconcilePolicy;
import io.positionkeeper.domain.trailing.TrailingPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a keeper decides by: the opening, trailing and reconciliation policies, how long a
 * close order may take, how often its periodic work runs, and how long start-up waits for the
 * streams to be resynced.
 */
public record KeeperPolicy(
    OpenPolicy open,
    TrailingPolicy trailing,
    ReconcilePolicy reconcile,
    Duration closeOrderDeadline,
    Duration trailingTimerEvery,
    Duration reconcileEvery,
    Duration healthCheckEvery,
    Duration auditFlushEvery,
    Duration readyTimeout) {

  public KeeperPolicy {
    Objects.requireNonNull(open, "open");
    Objects.requireNonNull(trailing, "trailing");
    Objects.requireNonNull(reconcile, "reconcile");
    positive(closeOrderDeadline, "closeOrderDeadline");
    positive(trailingTimerEvery, "trailingTimerEvery");
    positive(reconcileEvery, "reconcileEvery");
    positive(healthCheckEvery, "healthCheckEvery");
    positive(auditFlushEvery, "auditFlushEvery");
    positive(readyTimeout, "readyTimeout");
  }

  private static void positive(Duration d, String field) {
    Objects.requireNonNull(d, field);
    if (!d.isPositive()) {
      throw new IllegalArgumentException(field + " must be > 0, was " + d);
    }
  }

  /**
   * The standard policies; the trailing timer every second, reconciliation every minute, the health
   * check every 30 s, the audit trail flushed every 200 ms, 30 s to get resynced.
   */
  public static KeeperPolicy standard() {
    return new KeeperPolicy(
        OpenPolicy.standard(),
        TrailingPolicy.standard(),
        ReconcilePolicy.standard(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        Duration.ofMinutes(1),
        Duration.ofSeconds(30),
        Duration.ofMillis(200),
        Duration.ofSeconds(30));
  }

  /** This policy with another opening policy. */
  public KeeperPolicy withOpen(OpenPolicy policy) {
    return new KeeperPolicy(
        policy,
        trailing,
        reconcile,
        closeOrderDeadline,
        trailingTimerEvery,
        reconcileEvery,
        healthCheckEvery,
        auditFlushEvery,
        readyTimeout);
  }
}
