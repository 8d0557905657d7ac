package io.positionkeeper.runner.metrics;

import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;

/** Which positions of the book count as open and which as open without a stop. */
public final class Protection {
  private Protection() {}

  /** Stored and not ended: being protected, protected, or closing. */
  public static boolean isOpen(Position p) {
    return switch (p.phase()) {
      case PROTECTING, ACTIVE, CLOSING -> true;
      case PENDING_OPEN, CLOSED, ROLLED_BACK -> false;
    };
  }

  /**
   * Open with a quantity and no working stop, past the opener's own placement: the number that must
   * stay 0. A position still in {@link Phase#PROTECTING} is its opener's to protect.
   */
  public static boolean isUnprotected(Position p) {
    return (p.phase() == Phase.ACTIVE || p.phase() == Phase.CLOSING)
        && p.quantity().signum() > 0
        && p.stopId().isEmpty();
  }
}
