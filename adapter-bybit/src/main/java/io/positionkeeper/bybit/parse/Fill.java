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
 * CorporateAction} changes a size without a trade.
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
    Instant time) {

  /** Whether the fill is a trade (not funding, not a corporate action). */
  public boolean isTrade() {
    return "Trade".equals(execType) || "BustTrade".equals(execType) || "AdlTrade".equals(execType);
  }
}
