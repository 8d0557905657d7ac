package io.positionkeeper.domain.tracking;

import io.positionkeeper.domain.position.Position;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.model.PositionExit;
import java.time.Instant;
import java.util.Optional;

/**
 * The exit of one position's own life on the venue, from the trade history: the fills that took the
 * venue from this position to flat, never those of the position before it on the symbol nor of one
 * after it. The venue's answer already stops at the fill that left it flat; what is left here is
 * the start.
 */
public final class LifeExit {
  private LifeExit() {}

  /**
   * Reads the exit of {@code position}; empty when the history shows none. {@code flatSeenAt} is
   * when the keeper saw the venue flat (empty for a phantom, found flat without being seen so).
   * Throws what the gateway throws.
   */
  public static Optional<PositionExit> read(
      ExchangeGateway gateway, Position.Stored position, Optional<Instant> flatSeenAt) {
    Instant registered = position.registeredAt();
    // Fills strictly after the instant before registration: the exit may share its registration's
    // millisecond on a fast venue (and always does on a manual clock).
    Optional<PositionExit> exit =
        gateway.exitSince(position.key().symbol(), position.side(), registered.minusNanos(1));
    if (exit.isPresent() && endedBefore(exit.get(), position, flatSeenAt)) {
      // The previous position on the symbol and side, closed in the instant this one was
      // registered: this one's entry came after it, so its exit does too.
      exit = gateway.exitSince(position.key().symbol(), position.side(), exit.get().time());
    }
    return exit;
  }

  /**
   * Whether the exit found is an earlier position's: it ended no later than this one was
   * registered, and before the keeper saw this one flat. For a phantom, whose flat nobody saw, an
   * exit of another size tells; one of this size in that instant cannot be told apart by time and
   * is taken as this position's (wrong only if two positions of one size opened and closed within
   * the instant of its registration).
   */
  private static boolean endedBefore(
      PositionExit exit, Position.Stored position, Optional<Instant> flatSeenAt) {
    if (exit.time().isAfter(position.registeredAt())) {
      return false;
    }
    return flatSeenAt.isPresent()
        ? exit.time().isBefore(flatSeenAt.get())
        : exit.quantity().compareTo(position.quantity()) != 0;
  }
}
