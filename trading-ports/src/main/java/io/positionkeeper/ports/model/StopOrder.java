package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/** A stop-loss as the venue reports it; {@code orderId} is absent where the venue gives none. */
public record StopOrder(
    Symbol symbol,
    ClientOrderId clientId,
    Optional<ExchangeOrderId> orderId,
    PositionSide positionSide,
    BigDecimal triggerPrice,
    StopStatus status) {

  public StopOrder {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(positionSide, "positionSide");
    Checks.positive(triggerPrice, "triggerPrice");
    Objects.requireNonNull(status, "status");
  }
}
