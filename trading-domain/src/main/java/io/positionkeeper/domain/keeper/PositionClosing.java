package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.tracking.PositionCloser;

/** Closes positions on a trader's command. */
@FunctionalInterface
public interface PositionClosing {

  /** Closes the position on {@code key} at market; the row closes once the venue is flat. */
  PositionCloser.CloseOutcome close(PositionKey key);
}
