package io.positionkeeper.bybit.parse;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last fill of an order, derived from the {@code order} topic's cumulative {@code cumExecQty}
 * and {@code cumExecValue}: the growth since the order's previous row is its last fill. A repeated
 * row (after a reconnect) shows no growth and reports no fill; an order first seen with fills
 * reports all of them as its last, at their average price. The {@code execution} rows carry the
 * same numbers fill by fill, but arrive in a message of their own, in no documented order relative
 * to the {@code order} row. Not thread-safe: the streams' loop owns it.
 */
final class OrderFills {
  /** What the last fill of a row was: zero quantity and price when the row adds none. */
  record Last(BigDecimal quantity, BigDecimal price) {
    static final Last NONE = new Last(BigDecimal.ZERO, BigDecimal.ZERO);
  }

  private record Cumulative(BigDecimal quantity, BigDecimal value) {}

  private final Map<String, Cumulative> open;

  /** Remembers up to {@code memory} orders that are not final yet, the oldest forgotten first. */
  OrderFills(int memory) {
    this.open =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Cumulative> eldest) {
            return size() > memory;
          }
        };
  }

  /**
   * The fill a row adds to what was seen of {@code orderId}; a {@code isFinal} order is forgotten
   * after it.
   */
  Last next(
      String orderId,
      BigDecimal cumQty,
      BigDecimal cumValue,
      BigDecimal avgPrice,
      boolean isFinal) {
    Cumulative before = isFinal ? open.remove(orderId) : open.get(orderId);
    BigDecimal value = cumValue.signum() > 0 ? cumValue : cumQty.multiply(avgPrice);
    if (!isFinal) {
      if (before == null || cumQty.compareTo(before.quantity()) > 0) {
        open.put(orderId, new Cumulative(cumQty, value));
      }
    }
    BigDecimal soFar = before == null ? BigDecimal.ZERO : before.quantity();
    BigDecimal added = cumQty.subtract(soFar);
    if (added.signum() <= 0) {
      return Last.NONE;
    }
    if (before == null || before.quantity().signum() == 0) {
      return new Last(added, avgPrice);
    }
    BigDecimal price =
        value.subtract(before.value()).divide(added, MathContext.DECIMAL64).stripTrailingZeros();
    return new Last(added, price.signum() > 0 ? price : avgPrice);
  }
}
