package io.positionkeeper.domain.retry;

import java.time.Duration;
import java.util.Objects;

/** Exponential backoff: {@code initial}, doubling, capped at {@code max}. */
public record Backoff(Duration initial, Duration max) {
  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (!initial.isPositive() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max: " + initial + ", " + max);
    }
  }

  /** 50 ms doubling up to 1 s. */
  public static Backoff standard() {
    return new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1));
  }

  /** The wait before retry number {@code attempt} (1-based). */
  public Duration delay(int attempt) {
    Duration d = initial;
    for (int i = 1; i < attempt && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
