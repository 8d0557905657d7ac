package io.positionkeeper.bybit.ws;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: {@code min * 2^attempt} capped at {@code max}, each drawn from its upper half
 * ("equal jitter") so that many clients cut at once do not come back in step.
 */
public final class Backoff {
  private final Duration min;
  private final Duration max;
  private final DoubleSupplier random;
  private int attempt;

  public Backoff(Duration min, Duration max, DoubleSupplier random) {
    this.min = min;
    this.max = max;
    this.random = random;
  }

  /** The delay before the next attempt; each call counts one attempt. */
  public Duration next() {
    long ceiling = min.toMillis() << Math.min(attempt, 20);
    long capped = Math.min(ceiling, max.toMillis());
    attempt++;
    long half = capped / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (capped - half)));
  }

  /** A connection worked: the next failure starts from the minimum again. */
  public void reset() {
    attempt = 0;
  }
}
