package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;

/** The hand-off between a position's life and its trailing stop. */
public interface TrailingStops {

  /**
   * Starts trailing a freshly protected position and persists the initial state.
   *
   * @param position the stored position (its id is a database id)
   * @param stop the stop-loss working on the exchange, which the trailing stop will move
   */
  void start(
      Position position, long dbId, Instrument instrument, TrailingParams params, StopOrder stop);

  /**
   * A stop-loss was placed for a stored position outside the trailing stop (re-placed after someone
   * cancelled it, or protecting an adopted position): trail from it. A position not trailed yet
   * starts trailing with the default parameters.
   */
  void onStopPlaced(Position position, long dbId, StopOrder stop);

  /** Stops trailing a position that is closed or rolled back, and removes its state. */
  void stop(long dbId);

  /**
   * Whether the trailing stop, once activated, has moved the exchange stop of this position at
   * least once: a stop that fires then closes it TRAILING_STOP, otherwise STOP_LOSS.
   */
  boolean hasMovedStop(long dbId);

  /**
   * The stop level the trailing rule holds for a position, when it is trailed on {@code side}: a
   * stop re-placed after a loss of protection starts from here, since a stop never loosens. Empty
   * when it trails the other side: after a net flip the old side's level protects nothing.
   */
  java.util.Optional<java.math.BigDecimal> trailedStop(long dbId, PositionSide side);
}
