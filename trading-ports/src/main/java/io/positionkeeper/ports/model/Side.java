package io.positionkeeper.ports.model;

/** The side of an order. */
public enum Side {
  BUY,
  SELL;

  public Side opposite() {
    return switch (this) {
      case BUY -> SELL;
      case SELL -> BUY;
    };
  }
}
