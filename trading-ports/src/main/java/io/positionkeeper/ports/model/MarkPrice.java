package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** The venue's mark price of a symbol at a time. */
public record MarkPrice(Symbol symbol, BigDecimal price, Instant time) {
  public MarkPrice {
    Objects.requireNonNull(symbol, "symbol");
    Checks.positive(price, "price");
    Objects.requireNonNull(time, "time");
  }
}
