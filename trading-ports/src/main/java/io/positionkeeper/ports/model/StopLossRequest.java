package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A stop-loss that closes the whole position at market when the mark price crosses {@code
 * triggerPrice} (Binance algo {@code STOP_MARKET closePosition=true workingType=MARK_PRICE}; Bybit
 * position stop-loss by mark price). A long's stop sells when the mark falls to the trigger; a
 * short's buys when it rises to it.
 */
public record StopLossRequest(
    Symbol symbol, PositionSide positionSide, BigDecimal triggerPrice, ClientOrderId clientId) {

  public StopLossRequest {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(positionSide, "positionSide");
    Checks.positive(triggerPrice, "triggerPrice");
    Objects.requireNonNull(clientId, "clientId");
  }
}
