package io.positionkeeper.domain.position;

/** A second position was asked for on an exchange and symbol that already has one. */
public final class PositionAlreadyOpenException extends IllegalStateException {
  public PositionAlreadyOpenException(PositionKey key, Position existing) {
    super(
        "a position is already open on "
            + key
            + " ("
            + existing.phase()
            + ", "
            + existing.correlationKey()
            + ")");
  }
}
