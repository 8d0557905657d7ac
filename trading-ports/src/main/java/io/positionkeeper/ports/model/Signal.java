package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A request to open a position, as a signal source delivers it. Percentages are percents: 2 means 2
 * %.
 */
public record Signal(
    long id,
    Exchange exchange,
    Symbol symbol,
    PositionSide side,
    BigDecimal size,
    SizeUnit sizeUnit,
    BigDecimal stopLossPercent,
    BigDecimal trailingActivationPercent,
    BigDecimal trailingCallbackPercent,
    Instant createdAt) {

  public Signal {
    if (id <= 0) {
      throw new IllegalArgumentException("signal id must be > 0, was " + id);
    }
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Checks.positive(size, "size");
    Objects.requireNonNull(sizeUnit, "sizeUnit");
    Checks.positive(stopLossPercent, "stopLossPercent");
    Checks.notNegative(trailingActivationPercent, "trailingActivationPercent");
    Checks.positive(trailingCallbackPercent, "trailingCallbackPercent");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
