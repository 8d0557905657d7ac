package io.positionkeeper.bybit.parse;

import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * One execution (REST {@code /v5/execution/list} or the {@code execution} topic). {@code
 * closedSize} is what the fill closed of an existing position; {@code execType} {@code
 * CorporateAction} changes a size without a trade. {@code stopOrderType} is empty for a plain
 * order's fill.
 */
public record Fill(
    Symbol symbol,
    ExchangeOrderId orderId,
    Optional<String> orderLinkId,
    Side side,
    String execType,
    BigDecimal price,
    BigDecimal quantity,
    BigDecimal closedSize,
    BigDecimal pnl,
    Instant time,
    Optional<String> stopOrderType) {

  /**
   * Whether the fill is the position's own stop-loss firing ({@code stopOrderType StopLoss}, B4):
   * such a fill carries no {@code orderLinkId}, the stop having none.
   */
  public boolean byPositionStopLoss() {
    return stopOrderType.filter("StopLoss"::equals).isPresent();
  }

  /** Whether the fill is a trade (not funding, not a corporate action). */
  public boolean isTrade() {
    return "Trade".equals(execType) || "BustTrade".equals(execType) || "AdlTrade".equals(execType);
  }
}
