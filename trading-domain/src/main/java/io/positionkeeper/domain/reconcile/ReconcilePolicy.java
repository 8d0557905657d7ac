package io.positionkeeper.domain.reconcile;

import io.positionkeeper.domain.retry.Backoff;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * How reconciliation decides and acts.
 *
 * @param missing what to do with an exchange position that has no row
 * @param pendingDeadline how old a pending registration may get before it is removed from the book
 *     (well beyond the longest opening: order, verification and stop deadlines together)
 * @param defaultStopLossPercent the stop distance from the entry for adopted positions and for
 *     re-placed stops of rows that record no stop price
 * @param confirmDelay the wait before the second snapshot that confirms phantoms
 * @param callDeadline how long one read of the exchange or the store may be retried
 * @param stopDeadline how long placing a stop-loss may be retried before closing at market
 * @param backoff the waits between retries
 * @param emergencyCloseAttempts close orders tried when a position cannot be protected
 * @param blindAfter how long the streams may be down (not resynced) before the venue is reconciled
 *     by REST alone, and how often it is while they stay down: nothing else sees a stop cancelled
 *     on the venue then
 */
public record ReconcilePolicy(
    MissingPositionPolicy missing,
    Duration pendingDeadline,
    BigDecimal defaultStopLossPercent,
    Duration confirmDelay,
    Duration callDeadline,
    Duration stopDeadline,
    Backoff backoff,
    int emergencyCloseAttempts,
    Duration blindAfter) {

  public ReconcilePolicy {
    Objects.requireNonNull(missing, "missing");
    positive(pendingDeadline, "pendingDeadline");
    Objects.requireNonNull(defaultStopLossPercent, "defaultStopLossPercent");
    if (defaultStopLossPercent.signum() <= 0
        || defaultStopLossPercent.compareTo(BigDecimal.valueOf(100)) >= 0) {
      throw new IllegalArgumentException(
          "defaultStopLossPercent must be in (0, 100), was "
              + defaultStopLossPercent.toPlainString());
    }
    Objects.requireNonNull(confirmDelay, "confirmDelay");
    if (confirmDelay.isNegative()) {
      throw new IllegalArgumentException("confirmDelay must not be negative: " + confirmDelay);
    }
    positive(callDeadline, "callDeadline");
    positive(stopDeadline, "stopDeadline");
    Objects.requireNonNull(backoff, "backoff");
    if (emergencyCloseAttempts < 1) {
      throw new IllegalArgumentException("emergencyCloseAttempts must be >= 1");
    }
    positive(blindAfter, "blindAfter");
  }

  private static void positive(Duration d, String field) {
    Objects.requireNonNull(d, field);
    if (!d.isPositive()) {
      throw new IllegalArgumentException(field + " must be > 0, was " + d);
    }
  }

  /**
   * Adopt and protect at 2 %; pending registrations expire after 2 minutes; phantoms confirmed 2 s
   * later; 5 s for reads and stops; by REST alone after 30 s without resynced streams, every 30 s.
   */
  public static ReconcilePolicy standard() {
    return new ReconcilePolicy(
        MissingPositionPolicy.ADOPT_AND_PROTECT,
        Duration.ofMinutes(2),
        new BigDecimal("2"),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        Backoff.standard(),
        3,
        Duration.ofSeconds(30));
  }

  /** The same policy with another rule for missing positions. */
  public ReconcilePolicy withMissing(MissingPositionPolicy policy) {
    return new ReconcilePolicy(
        policy,
        pendingDeadline,
        defaultStopLossPercent,
        confirmDelay,
        callDeadline,
        stopDeadline,
        backoff,
        emergencyCloseAttempts,
        blindAfter);
  }
}
