package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The persisted state of one position's trailing stop (one row per position). {@code callbackRate}
 * is a percent, as on Binance: 1 means 1 %. {@code peak} is the best price since the start: the
 * highest for a long, the lowest for a short.
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

  /** The state with a new peak, status and activation time. */
  public TrailingStopState withPeak(
      BigDecimal newPeak, TrailingStatus newStatus, Optional<Instant> newActivatedAt) {
    return new TrailingStopState(
        positionId,
        symbol,
        side,
        entryPrice,
        activationPrice,
        callbackRate,
        newStatus,
        newPeak,
        currentStop,
        updateCount,
        newActivatedAt,
        lastMovedAt,
        lastSavedPeak,
        lastSavedAt);
  }

  /** The state with another status. */
  public TrailingStopState withStatus(TrailingStatus newStatus) {
    return withPeak(peak, newStatus, activatedAt);
  }

  /**
   * The state after the exchange stop moved to {@code stop} at {@code at} (a move is also a save).
   */
  public TrailingStopState moved(BigDecimal stop, Instant at) {
    return new TrailingStopState(
        positionId,
        symbol,
        side,
        entryPrice,
        activationPrice,
        callbackRate,
        status,
        peak,
        Optional.of(stop),
        updateCount + 1,
        activatedAt,
        Optional.of(at),
        peak,
        at);
  }

  /** The state trailing from another exchange stop (one placed outside the trailing stop). */
  public TrailingStopState withCurrentStop(BigDecimal stop) {
    return new TrailingStopState(
        positionId,
        symbol,
        side,
        entryPrice,
        activationPrice,
        callbackRate,
        status,
        peak,
        Optional.of(stop),
        updateCount,
        activatedAt,
        lastMovedAt,
        lastSavedPeak,
        lastSavedAt);
  }

  /** The state once saved with {@code savedPeak} at {@code at}. */
  public TrailingStopState saved(BigDecimal savedPeak, Instant at) {
    return new TrailingStopState(
        positionId,
        symbol,
        side,
        entryPrice,
        activationPrice,
        callbackRate,
        status,
        peak,
        currentStop,
        updateCount,
        activatedAt,
        lastMovedAt,
        savedPeak,
        at);
  }
}
