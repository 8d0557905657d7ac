package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.ports.model.CloseReason;

/**
 * Closes a position whose trailing level was crossed while the venue's stop was still looser (a
 * move held back by the minimum interval): what the venue's own trailing stop would have done.
 */
@FunctionalInterface
public interface TrailingExit {

  /**
   * Closes the stored position {@code dbId} on {@code key} at market, for {@code reason}: {@link
   * CloseReason#TRAILING_STOP} for an activated trailing stop's level, {@link
   * CloseReason#STOP_LOSS} for the stop-loss level of one not activated yet. Runs off the tick
   * thread.
   */
  void closeAtMarket(PositionKey key, long dbId, CloseReason reason);
}
