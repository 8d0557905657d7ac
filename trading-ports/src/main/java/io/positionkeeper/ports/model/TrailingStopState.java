package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The persisted state of one position's trailing stop (one row per position). {@code callbackRate}
 * is a percent, as on Binance: 1 means 1 %. {@code peak} is the best price since the start: the
 * highest for a long, the lowest for a short. {@code currentStop} is the tightest level the
 * position's stop was asked to hold in this trailing life (the trader's level): it never loosens,
 * even while a looser stop stands in on the venue because that level is crossed and the exit at
 * market cannot go out; the position's row names the stop that works. A plain value: how it changes
 * is the domain's rule.
 */
public record TrailingStopState(
    long positionId,
    Symbol symbol,
    PositionSide side,
    BigDecimal entryPrice,
    BigDecimal activationPrice,
    BigDecimal callbackRate,
    TrailingStatus status,
    BigDecimal peak,
    Optional<BigDecimal> currentStop,
    int updateCount,
    Optional<Instant> activatedAt,
    Optional<Instant> lastMovedAt,
    BigDecimal lastSavedPeak,
    Instant lastSavedAt) {

  public TrailingStopState {
    if (positionId <= 0) {
      throw new IllegalArgumentException("positionId must be > 0, was " + positionId);
    }
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Checks.positive(entryPrice, "entryPrice");
    Checks.positive(activationPrice, "activationPrice");
    Checks.positive(callbackRate, "callbackRate");
    Objects.requireNonNull(status, "status");
    Checks.positive(peak, "peak");
    Objects.requireNonNull(currentStop, "currentStop");
    if (updateCount < 0) {
      throw new IllegalArgumentException("updateCount must be >= 0, was " + updateCount);
    }
    Objects.requireNonNull(activatedAt, "activatedAt");
    Objects.requireNonNull(lastMovedAt, "lastMovedAt");
    Checks.positive(lastSavedPeak, "lastSavedPeak");
    Objects.requireNonNull(lastSavedAt, "lastSavedAt");
  }
}
