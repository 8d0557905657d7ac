package io.positionkeeper.domain.position;

import io.positionkeeper.ports.model.ClientOrderId;

/**
 * Which orders' fills end a position: the book records a reduce-only fill as a position's exit only
 * when the order is one of that position's own (its close orders, its stops). Another position's
 * close on the same symbol, whose events reach the book late, never counts as this one's exit.
 */
@FunctionalInterface
public interface ExitOrders {

  /** Whether a fill of {@code orderId} may end {@code position}. */
  boolean ends(Position position, ClientOrderId orderId);
}
