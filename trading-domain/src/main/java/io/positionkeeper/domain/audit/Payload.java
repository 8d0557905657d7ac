package io.positionkeeper.domain.audit;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the flat text payload of an audit event; decimals in plain notation, absent values left
 * out.
 */
final class Payload {
  private final Map<String, String> values = new LinkedHashMap<>();

  static Payload with() {
    return new Payload();
  }

  Payload put(String key, Object value) {
    switch (value) {
      case null -> {}
      case Optional<?> opt -> opt.ifPresent(v -> put(key, v));
      case BigDecimal d -> values.put(key, d.stripTrailingZeros().toPlainString());
      default -> values.put(key, value.toString());
    }
    return this;
  }

  Map<String, String> build() {
    return java.util.Collections.unmodifiableMap(values);
  }
}
