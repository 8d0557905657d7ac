package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * An order as the venue reports it. {@code averagePrice} is zero while nothing is filled (as both
 * venues send it).
 */
public record OrderReport(
    Symbol symbol,
    ClientOrderId clientOrderId,
    ExchangeOrderId orderId,
    Side side,
    OrderStatus status,
    BigDecimal quantity,
    BigDecimal filledQuantity,
    BigDecimal averagePrice,
    boolean reduceOnly,
    Instant updatedAt) {

  public OrderReport {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(clientOrderId, "clientOrderId");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(status, "status");
    Checks.notNegative(quantity, "quantity");
    Checks.notNegative(filledQuantity, "filledQuantity");
    Checks.notNegative(averagePrice, "averagePrice");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** Whether any quantity has been filled. */
  public boolean hasFill() {
    return filledQuantity.signum() > 0;
  }
}
