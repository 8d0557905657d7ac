package io.positionkeeper.ports.model;

/** The life of a stop-loss on the venue. */
public enum StopStatus {
  /** Placed and waiting for its trigger. */
  WORKING,
  /** The trigger was crossed; the closing order is being executed. */
  TRIGGERED,
  /** The closing order was executed. */
  FILLED,
  CANCELED,
  REJECTED,
  /** Cancelled by the venue, e.g. because the position it protected is gone. */
  EXPIRED;

  public boolean isFinal() {
    return switch (this) {
      case WORKING, TRIGGERED -> false;
      case FILLED, CANCELED, REJECTED, EXPIRED -> true;
    };
  }
}
