package io.positionkeeper.ports.model;

/** What became of a claimed signal. */
public enum SignalOutcome {
  /** A position was opened and protected. */
  OPENED,
  /** Refused before any order (validation, a position already open). */
  REJECTED,
  /** An attempt was made and rolled back. */
  FAILED
}
