package io.positionkeeper.runner.paper;

import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** One mark price of a replay: at this time, this symbol's mark was this. */
public record MarkTick(Instant at, Symbol symbol, BigDecimal mark) {
  public MarkTick {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(mark, "mark");
    if (mark.signum() <= 0) {
      throw new IllegalArgumentException("mark must be > 0, was " + mark.toPlainString());
    }
  }
}
