package io.positionkeeper.domain.audit;

import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.ports.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When to try the journal again after consecutive failures: the backoff grows with each failure,
 * and a wait the journal asked for (rate limiting) is honoured when it is longer. Not thread-safe:
 * the writer guards it with its flush lock.
 */
final class RetrySchedule {
  private final Backoff backoff;
  private final Clock clock;
  private int consecutiveFailures;
  private Instant retryAt;

  RetrySchedule(Backoff backoff, Clock clock) {
    this.backoff = backoff;
    this.clock = clock;
  }

  /** Records a failure; the next attempt waits the backoff, or {@code atLeast} if longer. */
  void failed(Duration atLeast) {
    consecutiveFailures++;
    Duration wait = backoff.delay(consecutiveFailures);
    if (atLeast.compareTo(wait) > 0) {
      wait = atLeast;
    }
    retryAt = clock.now().plus(wait);
  }

  /** Records a success: no wait any more. */
  void succeeded() {
    consecutiveFailures = 0;
    retryAt = null;
  }

  int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** When the next attempt is due; empty when the last attempt succeeded. */
  Optional<Instant> retryAt() {
    return Optional.ofNullable(retryAt);
  }

  /** Whether an attempt now would come before the backoff has passed. */
  boolean isBackingOff(Instant now) {
    return retryAt != null && now.isBefore(retryAt);
  }
}
