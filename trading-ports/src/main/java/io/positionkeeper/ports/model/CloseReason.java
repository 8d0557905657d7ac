package io.positionkeeper.ports.model;

/** Why a position was closed. */
public enum CloseReason {
  /** The exchange stop-loss fired at its initial level. */
  STOP_LOSS,
  /** The exchange stop-loss fired after the trailing stop had moved it. */
  TRAILING_STOP,
  /** A trader's close command. */
  MANUAL,
  /** Closed at market because it could not be protected. */
  EMERGENCY,
  /** In the store but confirmed absent on the exchange. */
  PHANTOM,
  /** Found on the exchange without a row and closed by the CLOSE policy. */
  POLICY_CLOSE,
  /** Closed on the exchange by something else (liquidation, a manual close on the venue). */
  EXTERNAL
}
