package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Argument checks shared by the records of this package; every failure says which field and why.
 */
final class Checks {
  private Checks() {}

  static BigDecimal positive(BigDecimal value, String field) {
    Objects.requireNonNull(value, field);
    if (value.signum() <= 0) {
      throw new IllegalArgumentException(field + " must be > 0, was " + value.toPlainString());
    }
    return value;
  }

  static BigDecimal notNegative(BigDecimal value, String field) {
    Objects.requireNonNull(value, field);
    if (value.signum() < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + value.toPlainString());
    }
    return value;
  }

  static String notBlank(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }
}
