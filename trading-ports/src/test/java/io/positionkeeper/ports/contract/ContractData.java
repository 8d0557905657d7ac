package io.positionkeeper.ports.contract;

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
import java.util.UUID;

/** Values the store contracts write. Instants are whole microseconds, as databases keep them. */
public final class ContractData {
  private ContractData() {}

  public static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456Z");

  private static final java.util.concurrent.atomic.AtomicLong ENTRIES =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * A new position of its own venue entry: its own entry order id, entry client order id ({@code
   * pk-open-<symbol>-<n>}) and signal, as the schema keeps one row per each.
   */
  public static NewPosition newPosition(Symbol symbol, PositionSide side) {
    long n = ENTRIES.incrementAndGet();
    return newPosition(
        symbol,
        side,
        ExchangeOrderId.of(8389766058155948588L + n),
        ClientOrderId.of("pk-open-" + symbol.value().toLowerCase() + "-" + n),
        "signal-" + n);
  }

  public static NewPosition newPosition(
      Symbol symbol,
      PositionSide side,
      ExchangeOrderId entryOrder,
      ClientOrderId entryClientId,
      String signalId) {
    return new NewPosition(
        Exchange.BINANCE,
        symbol,
        side,
        new BigDecimal("0.000123456789012345"),
        new BigDecimal("64123.456789"),
        entryOrder,
        Optional.of(entryClientId),
        Optional.of(signalId),
        T0);
  }

  public static AuditRecord event(String type, OptionalLong positionId, String correlationKey) {
    return new AuditRecord(
        EventIds.next(),
        T0,
        Exchange.BINANCE,
        Optional.of(Symbol.of("BTCUSDT")),
        positionId,
        correlationKey,
        type,
        Severity.INFO,
        Map.of("quantity", "0.001", "note", "quote \" and unicode ⓈÜ"));
  }

  public static AuditRecord event(String type) {
    return event(
        type, OptionalLong.empty(), "pk-corr-" + UUID.randomUUID().toString().substring(0, 8));
  }
}
