package io.positionkeeper.domain.trailing;

import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * How a trailing stop's stored state changes: a new peak, a move on the exchange, a save. The state
 * itself is a plain record of the ports; these rules are the domain's.
 */
final class TrailingTransitions {
  private TrailingTransitions() {}

  /** The state with a new peak, status and activation time. */
  static TrailingStopState withPeak(
      TrailingStopState s,
      BigDecimal newPeak,
      TrailingStatus newStatus,
      Optional<Instant> newActivatedAt) {
    return new TrailingStopState(
        s.positionId(),
        s.symbol(),
        s.side(),
        s.entryPrice(),
        s.activationPrice(),
        s.callbackRate(),
        newStatus,
        newPeak,
        s.currentStop(),
        s.updateCount(),
        newActivatedAt,
        s.lastMovedAt(),
        s.lastSavedPeak(),
        s.lastSavedAt());
  }

  /** The state with another status. */
  static TrailingStopState withStatus(TrailingStopState s, TrailingStatus newStatus) {
    return withPeak(s, s.peak(), newStatus, s.activatedAt());
  }

  /**
   * The state after the exchange stop moved to {@code stop} at {@code at} (a move is also a save).
   */
  static TrailingStopState moved(TrailingStopState s, BigDecimal stop, Instant at) {
    return new TrailingStopState(
        s.positionId(),
        s.symbol(),
        s.side(),
        s.entryPrice(),
        s.activationPrice(),
        s.callbackRate(),
        s.status(),
        s.peak(),
        Optional.of(stop),
        s.updateCount() + 1,
        s.activatedAt(),
        Optional.of(at),
        s.peak(),
        at);
  }

  /** The state trailing from another exchange stop (one placed outside the trailing stop). */
  static TrailingStopState withCurrentStop(TrailingStopState s, BigDecimal stop) {
    return new TrailingStopState(
        s.positionId(),
        s.symbol(),
        s.side(),
        s.entryPrice(),
        s.activationPrice(),
        s.callbackRate(),
        s.status(),
        s.peak(),
        Optional.of(stop),
        s.updateCount(),
        s.activatedAt(),
        s.lastMovedAt(),
        s.lastSavedPeak(),
        s.lastSavedAt());
  }

  /** The state once saved with {@code savedPeak} at {@code at}. */
  static TrailingStopState saved(TrailingStopState s, BigDecimal savedPeak, Instant at) {
    return new TrailingStopState(
        s.positionId(),
        s.symbol(),
        s.side(),
        s.entryPrice(),
        s.activationPrice(),
        s.callbackRate(),
        s.status(),
        s.peak(),
        s.currentStop(),
        s.updateCount(),
        s.activatedAt(),
        s.lastMovedAt(),
        savedPeak,
        at);
  }
}
