package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a position ended, as the venue's trade history shows it: the fills that reduced a position of
 * {@code side} on {@code symbol}, taken together. {@code quantity} is the total reduced, {@code
 * averagePrice} the quantity-weighted price of those fills, {@code realizedPnl} their summed
 * realized PnL (quote currency, fees not included), {@code closingClientId} the client order id of
 * the last reducing order when the venue names it, and {@code time} the time of the last fill.
 *
 * <p>A venue keeps its history for a limited time only, so the fills may be fewer than the whole
 * exit: a reader compares {@code quantity} with the size of the position it knew before taking this
 * as the whole of it.
 */
public record PositionExit(
    Symbol symbol,
    PositionSide side,
    BigDecimal quantity,
    BigDecimal averagePrice,
    BigDecimal realizedPnl,
    Optional<ClientOrderId> closingClientId,
    Instant time) {

  public PositionExit {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(side, "side");
    Checks.positive(quantity, "quantity");
    Checks.positive(averagePrice, "averagePrice");
    Objects.requireNonNull(realizedPnl, "realizedPnl");
    Objects.requireNonNull(closingClientId, "closingClientId");
    Objects.requireNonNull(time, "time");
  }
}
