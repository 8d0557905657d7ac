package io.positionkeeper.ports.model;

/** The direction of a position (one-way mode: one position per symbol). */
public enum PositionSide {
  LONG,
  SHORT;

  /** The order side that opens or adds to this position. */
  public Side entrySide() {
    return switch (this) {
      case LONG -> Side.BUY;
      case SHORT -> Side.SELL;
    };
  }

  /** The order side that reduces or closes this position (and the side of its stop-loss). */
  public Side exitSide() {
    return entrySide().opposite();
  }

  /**
   * +1 for a long, -1 for a short: the sign of the position's size and of its profit per unit rise.
   */
  public int sign() {
    return switch (this) {
      case LONG -> 1;
      case SHORT -> -1;
    };
  }
}
