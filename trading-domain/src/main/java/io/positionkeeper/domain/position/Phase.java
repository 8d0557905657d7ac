package io.positionkeeper.domain.position;

/** The life of a position in memory. */
public enum Phase {
  /** Registered before its entry order; no row yet. */
  PENDING_OPEN,
  /**
   * Stored, and its opener is still placing its stop-loss: the opener owns it, so nobody else
   * (reconciliation) protects it a second time.
   */
  PROTECTING,
  /** Stored, open and protected. */
  ACTIVE,
  /** A close order is on its way. */
  CLOSING,
  /** Closed; about to leave the book. */
  CLOSED,
  /** Its opening failed and was undone; about to leave the book. */
  ROLLED_BACK
}
