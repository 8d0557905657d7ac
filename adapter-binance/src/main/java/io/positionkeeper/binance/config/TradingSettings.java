package io.positionkeeper.binance.config;

import io.positionkeeper.ports.model.Symbol;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the adapter trades on the account, as opposed to where it connects ({@link BinanceConfig}).
 *
 * @param priceProtect whether stop-losses are sent with {@code priceProtect=TRUE}. A protected stop
 *     does not trigger while the mark and the last contract price differ by more than the symbol's
 *     {@code triggerProtect}, which is exactly what a flash move looks like; so the default is
 *     {@code false}: a stop that protects a position must fire when the mark crosses it.
 * @param symbols leverage and margin type to set per symbol when the gateway starts
 * @param absenceQueries after an ambiguous answer to an order, how many "no such order" answers
 *     (-2013) it takes before the order counts as absent
 * @param absenceWindow and how long after the ambiguous answer the last of them must come at the
 *     earliest: the venue's order service can lag, so an early -2013 proves nothing
 */
public record TradingSettings(
    boolean priceProtect,
    Map<Symbol, SymbolSettings> symbols,
    int absenceQueries,
    Duration absenceWindow) {

  /** Margin type as {@code POST /fapi/v1/marginType} takes it. */
  public enum MarginType {
    ISOLATED,
    CROSSED
  }

  /**
   * Per-symbol account settings.
   *
   * @param leverage 1..125
   * @param marginType isolated or cross margin
   */
  public record SymbolSettings(int leverage, MarginType marginType) {
    public SymbolSettings {
      Objects.requireNonNull(marginType, "marginType");
      if (leverage < 1 || leverage > 125) {
        throw new IllegalArgumentException("leverage must be 1..125, was " + leverage);
      }
    }
  }

  public TradingSettings {
    symbols = Map.copyOf(Objects.requireNonNull(symbols, "symbols"));
    Objects.requireNonNull(absenceWindow, "absenceWindow");
    if (absenceQueries < 1) {
      throw new IllegalArgumentException("absenceQueries must be >= 1, was " + absenceQueries);
    }
    if (absenceWindow.isNegative()) {
      throw new IllegalArgumentException("absenceWindow must be >= 0, was " + absenceWindow);
    }
  }

  /**
   * Unprotected stops, no per-symbol settings, and an order counts as absent after an ambiguous
   * answer once 3 queries over at least 10 s found nothing.
   */
  public static TradingSettings defaults() {
    return new TradingSettings(false, Map.of(), 3, Duration.ofSeconds(10));
  }

  public TradingSettings withPriceProtect(boolean value) {
    return new TradingSettings(value, symbols, absenceQueries, absenceWindow);
  }

  public TradingSettings withSymbols(Map<Symbol, SymbolSettings> value) {
    return new TradingSettings(priceProtect, value, absenceQueries, absenceWindow);
  }

  public TradingSettings withAbsenceProof(int queries, Duration window) {
    return new TradingSettings(priceProtect, symbols, queries, window);
  }
}
