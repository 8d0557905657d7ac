package io.positionkeeper.ports.model;

/** The life of an order on the venue. */
public enum OrderStatus {
  NEW,
  PARTIALLY_FILLED,
  FILLED,
  CANCELED,
  REJECTED,
  EXPIRED;

  /** Whether the order can still change (fill or be cancelled). */
  public boolean isFinal() {
    return switch (this) {
      case NEW, PARTIALLY_FILLED -> false;
      case FILLED, CANCELED, REJECTED, EXPIRED -> true;
    };
  }
}
