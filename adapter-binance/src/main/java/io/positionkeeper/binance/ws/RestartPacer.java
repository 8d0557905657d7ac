package io.positionkeeper.binance.ws;

import io.positionkeeper.ports.RateLimitedException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one backoff every restart goes through: exponential from {@code min} to {@code max}, with
 * half of each delay random so that many clients do not reconnect in step. A venue's {@code
 * Retry-After} is honoured when longer. The count of attempts resets only when the caller says the
 * last try held ({@link #settled}) or the connection it opened lived at least {@code stableAfter};
 * a venue that accepts and drops at once (flapping) therefore sees ever longer pauses, never a
 * storm. Not thread-safe: one owner thread.
 */
public final class RestartPacer {
  private final Duration min;
  private final Duration max;
  private final Duration stableAfter;
  private int attempts;
  private Instant openedAt;

  public RestartPacer(Duration min, Duration max, Duration stableAfter) {
    this.min = min;
    this.max = max;
    this.stableAfter = stableAfter;
  }

  /** A connection opened (or a try succeeded) at {@code now}. */
  public void opened(Instant now) {
    openedAt = now;
  }

  /** The last try held: the next delay starts from {@code min} again. */
  public void settled() {
    attempts = 0;
  }

  /** How long to wait before the next try, at {@code now}, after {@code cause} (may be null). */
  public Duration next(Instant now, RuntimeException cause) {
    if (openedAt != null && Duration.between(openedAt, now).compareTo(stableAfter) >= 0) {
      attempts = 0;
    }
    openedAt = null;
    attempts++;
    Duration delay = jittered(attempts);
    if (cause instanceof RateLimitedException r && r.retryAfter().compareTo(delay) > 0) {
      delay = r.retryAfter();
    }
    return delay;
  }

  /** How many tries in a row have not held. */
  public int attempts() {
    return attempts;
  }

  private Duration jittered(int attempt) {
    long lo = min.toMillis();
    long exp = lo << Math.min(Math.max(attempt - 1, 0), 20);
    long capped = Math.min(Math.max(exp, lo), max.toMillis());
    long half = capped / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }
}
