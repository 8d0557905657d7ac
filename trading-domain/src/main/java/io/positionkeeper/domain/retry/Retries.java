package io.positionkeeper.domain.retry;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Runs an idempotent port call, retrying every failure that may pass (retryable, rate limited,
 * unknown outcome, store unreachable) with backoff until a deadline; a rate limit waits the longer
 * of the venue's wait and the backoff. A definitive refusal, or the last failure at the deadline,
 * is thrown.
 */
public final class Retries {
  private Retries() {}

  public static <T> T idempotent(
      Clock clock, Duration deadline, Backoff backoff, Supplier<T> call) {
    Instant until = clock.now().plus(deadline);
    for (int attempt = 1; ; attempt++) {
      Duration wait;
      PortException failure;
      try {
        return call.get();
      } catch (RejectedException e) {
        throw e;
      } catch (RateLimitedException e) {
        // The venue's wait is honoured, but never shorter than the backoff: a limit answered
        // with no wait (a reset time already past, "Retry-After: 0") would otherwise resend at
        // once, a request storm against a venue that is already refusing.
        failure = e;
        wait = max(e.retryAfter(), backoff.delay(attempt));
      } catch (RetryableException | OutcomeUnknownException | PersistenceException e) {
        failure = e;
        wait = backoff.delay(attempt);
      }
      if (!waitUntil(clock, until, wait)) {
        throw failure;
      }
    }
  }

  public static void idempotent(Clock clock, Duration deadline, Backoff backoff, Runnable call) {
    idempotent(
        clock,
        deadline,
        backoff,
        () -> {
          call.run();
          return null;
        });
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Sleeps {@code delay} if that ends before {@code until}; false when the deadline forbids it. */
  public static boolean waitUntil(Clock clock, Instant until, Duration delay) {
    if (clock.now().plus(delay).isAfter(until)) {
      return false;
    }
    try {
      clock.sleep(delay);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
