package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a position ended: exit price, realized PnL (quote currency), reason and time. The exit price
 * and the PnL may be empty only for a {@link CloseReason#PHANTOM} close whose end the venue's
 * history cannot show: nothing is invented for it. The stores refuse any other close without them,
 * as the database's check does.
 */
public record PositionClose(
    Optional<BigDecimal> exitPrice,
    Optional<BigDecimal> realizedPnl,
    CloseReason reason,
    Instant closedAt) {

  public PositionClose {
    Objects.requireNonNull(exitPrice, "exitPrice");
    exitPrice.ifPresent(p -> Checks.notNegative(p, "exitPrice"));
    Objects.requireNonNull(realizedPnl, "realizedPnl");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(closedAt, "closedAt");
  }

  /** A close whose exit price and PnL are known. */
  public PositionClose(
      BigDecimal exitPrice, BigDecimal realizedPnl, CloseReason reason, Instant closedAt) {
    this(
        Optional.of(Objects.requireNonNull(exitPrice, "exitPrice")),
        Optional.of(Objects.requireNonNull(realizedPnl, "realizedPnl")),
        reason,
        closedAt);
  }
}
