package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A market order. The client order id makes it idempotent: the venue never creates two orders with
 * the same id.
 */
public record MarketOrderRequest(
    Symbol symbol,
    Side side,
    BigDecimal quantity,
    ClientOrderId clientOrderId,
    boolean reduceOnly) {

  public MarketOrderRequest {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Checks.positive(quantity, "quantity");
    Objects.requireNonNull(clientOrderId, "clientOrderId");
  }
}
