package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.Symbol;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Audit records for the writer's tests: numbered, so order and identity are easy to check. */
final class AuditRecords {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private AuditRecords() {}

  static AuditRecord numbered(int n) {
    return new AuditRecord(
        "evt-" + n,
        T0.plusMillis(n),
        Exchange.BINANCE,
        Optional.of(Symbol.of("BTCUSDT")),
        OptionalLong.of(1 + n % 7),
        "pko-corr-" + n,
        "STOP_PLACED",
        Severity.INFO,
        Map.of("n", Integer.toString(n)));
  }
}
