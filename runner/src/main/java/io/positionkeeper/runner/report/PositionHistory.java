package io.positionkeeper.runner.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One position's row and every event about it, oldest first. */
public record PositionHistory(
    long id,
    String exchange,
    String symbol,
    String side,
    String status,
    Optional<String> closeReason,
    BigDecimal quantity,
    BigDecimal entryPrice,
    Optional<BigDecimal> exitPrice,
    Optional<BigDecimal> realizedPnl,
    Instant openedAt,
    Optional<Instant> closedAt,
    List<ReportEvent> events) {
  public PositionHistory {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(entryPrice, "entryPrice");
    Objects.requireNonNull(openedAt, "openedAt");
    events = List.copyOf(events);
  }

  /** When the position ended, or {@code fallback} while it is open. */
  public Instant endOr(Instant fallback) {
    return closedAt.orElse(fallback);
  }
}
