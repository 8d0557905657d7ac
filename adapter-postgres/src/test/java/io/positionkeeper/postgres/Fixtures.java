package io.positionkeeper.postgres;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.EventIds;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Records for the tests; times are whole microseconds, as PostgreSQL keeps them. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2025-10-24T01:06:31.193456Z");

  private Fixtures() {}

  private static final java.util.concurrent.atomic.AtomicLong ENTRIES =
      new java.util.concurrent.atomic.AtomicLong();

  static NewPosition position(Exchange exchange, String symbol) {
    long n = ENTRIES.getAndIncrement();
    return new NewPosition(
        exchange,
        Symbol.of(symbol),
        PositionSide.LONG,
        new BigDecimal("0.015"),
        new BigDecimal("67234.10"),
        // Each position its own venue entry (the schema keeps one row per entry order and per
        // entry client order id).
        ExchangeOrderId.of(8389765123456789012L + n),
        Optional.of(ClientOrderId.of(n == 0 ? "pk-open-" + symbol : "pk-open-" + symbol + "-" + n)),
        Optional.of("sig-" + n),
        T0);
  }

  static AuditRecord event(String type) {
    return event(type, OptionalLong.empty());
  }

  static AuditRecord event(String type, OptionalLong positionId) {
    return event(type, positionId, Map.of("note", "ok"));
  }

  static AuditRecord event(String type, OptionalLong positionId, Map<String, String> payload) {
    return new AuditRecord(
        EventIds.next(),
        T0,
        Exchange.BINANCE,
        Optional.of(Symbol.of("BTCUSDT")),
        positionId,
        "pk-open-BTCUSDT",
        type,
        Severity.INFO,
        payload);
  }
}
