package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A position to insert: one that is verifiably open on the venue. The exchange order id is the
 * venue's real id of the opening order, never a made-up one.
 */
public record NewPosition(
    Exchange exchange,
    Symbol symbol,
    PositionSide side,
    BigDecimal quantity,
    BigDecimal entryPrice,
    ExchangeOrderId exchangeOrderId,
    Optional<ClientOrderId> entryClientOrderId,
    Optional<String> signalId,
    Instant openedAt) {

  public NewPosition {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Checks.positive(quantity, "quantity");
    Checks.positive(entryPrice, "entryPrice");
    Objects.requireNonNull(exchangeOrderId, "exchangeOrderId");
    Objects.requireNonNull(entryClientOrderId, "entryClientOrderId");
    Objects.requireNonNull(signalId, "signalId");
    Objects.requireNonNull(openedAt, "openedAt");
  }
}
