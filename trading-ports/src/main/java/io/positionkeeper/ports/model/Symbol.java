package io.positionkeeper.ports.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An instrument's name as the venues' REST APIs spell it: upper case, e.g. {@code BTCUSDT}. Binance
 * allows CJK letters since 2025-10, so any upper-case or other letter and any digit is accepted.
 */
public record Symbol(String value) implements Comparable<Symbol> {
  private static final Pattern VALID = Pattern.compile("[\\p{Lu}\\p{Lo}\\p{Nd}]{2,40}");

  public Symbol {
    Objects.requireNonNull(value, "symbol");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "symbol must be 2-40 upper-case letters or digits (e.g. BTCUSDT), was '" + value + "'");
    }
  }

  public static Symbol of(String value) {
    return new Symbol(value);
  }

  @Override
  public int compareTo(Symbol other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
