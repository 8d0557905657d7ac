package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** How a position ended: exit price, realized PnL (quote currency), reason and time. */
public record PositionClose(
    BigDecimal exitPrice, BigDecimal realizedPnl, CloseReason reason, Instant closedAt) {
  public PositionClose {
    Checks.notNegative(exitPrice, "exitPrice");
    Objects.requireNonNull(realizedPnl, "realizedPnl");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(closedAt, "closedAt");
  }
}
