package io.positionkeeper.domain.instrument;

import java.math.BigDecimal;
import java.util.Objects;

/** A quantity in base units (contracts): positive, exact. */
public record Quantity(BigDecimal value) implements Comparable<Quantity> {
  public Quantity {
    Objects.requireNonNull(value, "quantity");
    if (value.signum() <= 0) {
      throw new IllegalArgumentException("a quantity must be > 0, was " + value.toPlainString());
    }
  }

  public static Quantity of(String value) {
    return new Quantity(new BigDecimal(value));
  }

  @Override
  public int compareTo(Quantity other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value.toPlainString();
  }
}
