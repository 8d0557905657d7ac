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
   * The state's level stays the tighter of the two: a move to a stand-in looser than the trader's
   * level (the tightest stop the venue takes while that level is crossed) does not lower it.
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
        Optional.of(neverLooser(s, stop)),
        s.updateCount() + 1,
        s.activatedAt(),
        Optional.of(at),
        s.peak(),
        at);
  }

  /**
   * The state trailing from another exchange stop (one placed outside the trailing stop), keeping
   * the tighter level as {@link #moved} does.
   */
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
        Optional.of(neverLooser(s, stop)),
        s.updateCount(),
        s.activatedAt(),
        s.lastMovedAt(),
        s.lastSavedPeak(),
        s.lastSavedAt());
  }

  /**
   * Within one position's trailing life its level never loosens: the state names the tightest level
   * the stop was asked to hold (the trader's), while the stop that works on the venue may be looser
   * for a while. A stand-in saved as the level would, after a restart, be taken for the trader's
   * stop: the exit owed at the crossed level forgotten, and the stop left looser for good.
   */
  private static BigDecimal neverLooser(TrailingStopState s, BigDecimal stop) {
    return s.currentStop().map(c -> TrailingRule.tighter(s.side(), c, stop)).orElse(stop);
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
