package io.positionkeeper.bybit.parse;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last mark price of each ticker topic. A snapshot sets it; a delta carries only what changed,
 * so a delta without {@code markPrice} keeps the last one, never zero. Not thread-safe: one stream
 * loop owns it.
 */
public final class TickerBook {
  private final Map<String, BigDecimal> marks = new HashMap<>();

  /** The mark after merging one {@code tickers.*} message, if this symbol has one. */
  public Optional<BigDecimal> merge(String symbol, String type, Optional<BigDecimal> markPrice) {
    if ("snapshot".equals(type)) {
      marks.remove(symbol);
    }
    markPrice.filter(p -> p.signum() > 0).ifPresent(p -> marks.put(symbol, p));
    return Optional.ofNullable(marks.get(symbol));
  }

  public void forget(String symbol) {
    marks.remove(symbol);
  }
}
