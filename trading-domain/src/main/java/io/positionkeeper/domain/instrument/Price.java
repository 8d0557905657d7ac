package io.positionkeeper.domain.instrument;

import java.math.BigDecimal;
import java.util.Objects;

/** A price: positive, exact. Compare with {@link #compareTo}, never through {@code double}. */
public record Price(BigDecimal value) implements Comparable<Price> {
  public Price {
    Objects.requireNonNull(value, "price");
    if (value.signum() <= 0) {
      throw new IllegalArgumentException("a price must be > 0, was " + value.toPlainString());
    }
  }

  public static Price of(String value) {
    return new Price(new BigDecimal(value));
  }

  @Override
  public int compareTo(Price other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value.toPlainString();
  }
}
