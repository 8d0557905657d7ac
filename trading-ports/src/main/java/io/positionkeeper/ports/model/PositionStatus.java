package io.positionkeeper.ports.model;

/**
 * The stored life of a position. A position that is still pending has no row, hence no status here.
 */
public enum PositionStatus {
  ACTIVE,
  CLOSING,
  CLOSED,
  ROLLED_BACK;

  /** Whether the position may still be open on the venue. */
  public boolean isOpen() {
    return switch (this) {
      case ACTIVE, CLOSING -> true;
      case CLOSED, ROLLED_BACK -> false;
    };
  }
}
