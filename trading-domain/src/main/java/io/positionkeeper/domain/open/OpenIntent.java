package io.positionkeeper.domain.open;

import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to open a protected position. {@code intentId} names the intent uniquely (a signal id,
 * a bot's own request id): the entry order's client id is derived from it, so the same intent sent
 * twice never opens twice.
 */
public record OpenIntent(
    Exchange exchange,
    Symbol symbol,
    PositionSide side,
    BigDecimal size,
    SizeUnit sizeUnit,
    BigDecimal stopLossPercent,
    TrailingParams trailing,
    Optional<String> signalId,
    String intentId) {

  public OpenIntent {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Objects.requireNonNull(size, "size");
    if (size.signum() <= 0) {
      throw new IllegalArgumentException("size must be > 0, was " + size.toPlainString());
    }
    Objects.requireNonNull(sizeUnit, "sizeUnit");
    Objects.requireNonNull(stopLossPercent, "stopLossPercent");
    if (stopLossPercent.signum() <= 0 || stopLossPercent.compareTo(BigDecimal.valueOf(100)) >= 0) {
      throw new IllegalArgumentException(
          "stop-loss percent must be in (0, 100), was " + stopLossPercent.toPlainString());
    }
    Objects.requireNonNull(trailing, "trailing");
    Objects.requireNonNull(signalId, "signalId");
    Objects.requireNonNull(intentId, "intentId");
    if (intentId.isBlank()) {
      throw new IllegalArgumentException("intentId must not be blank");
    }
  }

  public PositionKey key() {
    return new PositionKey(exchange, symbol);
  }
}
