package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A stored position. {@code id} is the database's id, always > 0. */
public record PositionRecord(
    long id,
    Exchange exchange,
    Symbol symbol,
    PositionSide side,
    BigDecimal quantity,
    BigDecimal entryPrice,
    PositionStatus status,
    ExchangeOrderId exchangeOrderId,
    Optional<ClientOrderId> entryClientOrderId,
    Optional<String> signalId,
    Optional<ClientOrderId> stopClientId,
    Optional<BigDecimal> stopPrice,
    Optional<BigDecimal> exitPrice,
    Optional<BigDecimal> realizedPnl,
    Optional<CloseReason> closeReason,
    Optional<String> note,
    Instant openedAt,
    Instant updatedAt,
    Optional<Instant> closedAt) {

  public PositionRecord {
    if (id <= 0) {
      throw new IllegalArgumentException("position id must be > 0, was " + id);
    }
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Checks.notNegative(quantity, "quantity");
    Checks.notNegative(entryPrice, "entryPrice");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(exchangeOrderId, "exchangeOrderId");
    Objects.requireNonNull(entryClientOrderId, "entryClientOrderId");
    Objects.requireNonNull(signalId, "signalId");
    Objects.requireNonNull(stopClientId, "stopClientId");
    Objects.requireNonNull(stopPrice, "stopPrice");
    Objects.requireNonNull(exitPrice, "exitPrice");
    Objects.requireNonNull(realizedPnl, "realizedPnl");
    Objects.requireNonNull(closeReason, "closeReason");
    Objects.requireNonNull(note, "note");
    Objects.requireNonNull(openedAt, "openedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(closedAt, "closedAt");
  }
}
