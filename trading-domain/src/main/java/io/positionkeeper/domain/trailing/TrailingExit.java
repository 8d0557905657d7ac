package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.position.PositionKey;

/**
 * Closes a position whose trailing level was crossed while the venue's stop was still looser (a
 * move held back by the minimum interval): what the venue's own trailing stop would have done.
 */
@FunctionalInterface
public interface TrailingExit {

  /** Closes the stored position {@code dbId} on {@code key} at market; runs off the tick thread. */
  void closeAtMarket(PositionKey key, long dbId);
}
