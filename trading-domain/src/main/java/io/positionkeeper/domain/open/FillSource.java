package io.positionkeeper.domain.open;

/** Where a fill was confirmed, in the order the verification policy asks. */
public enum FillSource {
  /** The position book, fed by the user-data WebSocket: instant. */
  WEBSOCKET,
  /** The entry order's own status (its response or a query). */
  ORDER_STATUS,
  /** The REST position list. */
  POSITION_LIST
}
