package io.positionkeeper.binance.http;

/**
 * What a request does, which decides which rate-limit blocks stop it and whether a lost answer
 * leaves its outcome unknown.
 */
public enum RequestKind {
  /** Reads (queries, positions, exchange info): no effect, safe to repeat. */
  READ,
  /**
   * The look-up of a client id right before an order with that id is sent: a read, but part of the
   * order, so the client's own weight hold-back (which keeps room for orders) does not stop it; the
   * venue's refusals still do.
   */
  ORDER_LOOKUP,
  /** The listen-key endpoints: idempotent, API-key only. */
  USER_STREAM,
  /** A cancel: reduces risk; costs IP weight but no order count. */
  CANCEL,
  /** An account setting (leverage, margin type): changes state, costs IP weight. */
  ACCOUNT_SETTING,
  /** A new order that may open or add to a position. */
  ORDER,
  /**
   * A reduce-only or close-position order: still accepted while the venue throttles with -1008
   * (change log 2025-10-14).
   */
  ORDER_EXEMPT;

  /** Whether the request changes state at the venue, so a lost answer means "outcome unknown". */
  public boolean mutates() {
    return switch (this) {
      case READ, ORDER_LOOKUP, USER_STREAM -> false;
      case CANCEL, ACCOUNT_SETTING, ORDER, ORDER_EXEMPT -> true;
    };
  }

  boolean placesOrder() {
    return switch (this) {
      case ORDER, ORDER_EXEMPT -> true;
      case READ, ORDER_LOOKUP, USER_STREAM, CANCEL, ACCOUNT_SETTING -> false;
    };
  }

  boolean costsWeight() {
    // Order endpoints cost 0 on the IP weight limit, only on the order-count limits.
    return !placesOrder();
  }

  /** Whether the client holds this request back when the used weight nears the limit. */
  boolean heldBackByWeight() {
    return costsWeight() && this != ORDER_LOOKUP;
  }
}
