package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What the venue accepts for an instrument's market orders: price tick, quantity step, minimum and
 * maximum quantity (Binance {@code MARKET_LOT_SIZE}, Bybit {@code maxMktOrderQty}) and minimum
 * notional (Binance {@code MIN_NOTIONAL.notional}, Bybit {@code minNotionalValue}).
 */
public record InstrumentRules(
    Symbol symbol,
    BigDecimal tickSize,
    BigDecimal stepSize,
    BigDecimal minQuantity,
    BigDecimal maxQuantity,
    BigDecimal minNotional) {

  public InstrumentRules {
    Objects.requireNonNull(symbol, "symbol");
    Checks.positive(tickSize, "tickSize");
    Checks.positive(stepSize, "stepSize");
    Checks.notNegative(minQuantity, "minQuantity");
    Checks.positive(maxQuantity, "maxQuantity");
    Checks.notNegative(minNotional, "minNotional");
    if (maxQuantity.compareTo(minQuantity) < 0) {
      throw new IllegalArgumentException(
          symbol
              + ": maxQuantity "
              + maxQuantity.toPlainString()
              + " is below minQuantity "
              + minQuantity.toPlainString());
    }
  }
}
