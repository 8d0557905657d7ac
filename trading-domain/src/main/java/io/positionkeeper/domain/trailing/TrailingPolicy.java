package io.positionkeeper.domain.trailing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * When the exchange stop moves and when the state is saved. A move needs an improvement of at least
 * {@code minStepPercent} of the price and {@code minMoveInterval} since the last move; the newest
 * stop is applied once the interval allows, never a backlog of stale ones. The state is saved on
 * every move, and otherwise at least every {@code saveInterval} or when the peak moved {@code
 * savePeakChangePercent} since the last save.
 */
public record TrailingPolicy(
    BigDecimal minStepPercent,
    Duration minMoveInterval,
    Duration saveInterval,
    BigDecimal savePeakChangePercent,
    TrailingParams defaults) {

  public TrailingPolicy {
    Objects.requireNonNull(minStepPercent, "minStepPercent");
    if (minStepPercent.signum() < 0) {
      throw new IllegalArgumentException("minStepPercent must be >= 0");
    }
    Objects.requireNonNull(minMoveInterval, "minMoveInterval");
    Objects.requireNonNull(saveInterval, "saveInterval");
    Objects.requireNonNull(savePeakChangePercent, "savePeakChangePercent");
    Objects.requireNonNull(defaults, "defaults");
  }

  /** 0.1 % steps, at most one move per 2 s, saved every 30 s or 0.5 % of peak change. */
  public static TrailingPolicy standard() {
    return new TrailingPolicy(
        new BigDecimal("0.1"),
        Duration.ofSeconds(2),
        Duration.ofSeconds(30),
        new BigDecimal("0.5"),
        new TrailingParams(new BigDecimal("1.5"), new BigDecimal("0.5")));
  }
}
