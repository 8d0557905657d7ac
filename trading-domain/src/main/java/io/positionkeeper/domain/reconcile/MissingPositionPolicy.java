package io.positionkeeper.domain.reconcile;

/** What to do with a position found on the exchange that has no row. */
public enum MissingPositionPolicy {
  /**
   * Insert a row with the real id of its opening order (from the exchange's history), then protect
   * it with a stop-loss at the default distance. Without a real order id nothing is inserted.
   */
  ADOPT_AND_PROTECT,
  /** Record that it was found and leave it alone. */
  IGNORE,
  /** Close it at market with a reduce-only order. */
  CLOSE
}
