package io.positionkeeper.domain.position;

import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import java.util.Objects;

/** Where a position lives: one position per exchange and symbol (one-way mode). */
public record PositionKey(Exchange exchange, Symbol symbol) {
  public PositionKey {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(symbol, "symbol");
  }

  @Override
  public String toString() {
    return exchange + ":" + symbol;
  }
}
