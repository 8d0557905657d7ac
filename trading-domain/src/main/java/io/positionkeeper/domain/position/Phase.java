package io.positionkeeper.domain.position;

/** The life of a position in memory. */
public enum Phase {
  /** Registered before its entry order; no row yet. */
  PENDING_OPEN,
  /** Stored and open. */
  ACTIVE,
  /** A close order is on its way. */
  CLOSING,
  /** Closed; about to leave the book. */
  CLOSED,
  /** Its opening failed and was undone; about to leave the book. */
  ROLLED_BACK
}
