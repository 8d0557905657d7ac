package io.positionkeeper.binance.parse;

import java.math.BigDecimal;
import java.util.List;

/**
 * One frame of a user-data or market stream, as the venue sent it (Binance's single-letter fields
 * spelled out). {@link EventMapper} turns these into port events.
 */
public sealed interface StreamMessage {

  /** The venue's event type ({@code e}), or a name for frames that have none. */
  String type();

  /** {@code ACCOUNT_UPDATE}: only the positions that changed ({@code a.P[]}). */
  record AccountUpdate(long eventTime, long transactionTime, String reason, List<PositionRow> rows)
      implements StreamMessage {
    public AccountUpdate {
      rows = List.copyOf(rows);
    }

    @Override
    public String type() {
      return "ACCOUNT_UPDATE";
    }
  }

  /** One {@code a.P[]} entry: {@code s}, {@code ps}, signed {@code pa}, {@code ep}. */
  record PositionRow(
      String symbol, String positionSide, BigDecimal positionAmount, BigDecimal entryPrice) {}

  /** {@code ORDER_TRADE_UPDATE}. */
  record OrderUpdate(
      long eventTime,
      long transactionTime,
      String symbol,
      String clientOrderId,
      String side,
      String orderType,
      String executionType,
      String status,
      long orderId,
      BigDecimal origQty,
      BigDecimal lastFilledQty,
      BigDecimal cumulativeFilledQty,
      BigDecimal lastFilledPrice,
      BigDecimal averagePrice,
      long tradeId,
      boolean reduceOnly,
      boolean closePosition,
      BigDecimal realizedProfit,
      String positionSide)
      implements StreamMessage {
    @Override
    public String type() {
      return "ORDER_TRADE_UPDATE";
    }
  }

  /** {@code ALGO_UPDATE} (conditional orders, since the 2025-12 algo migration). */
  record AlgoUpdate(
      long eventTime,
      long transactionTime,
      String clientAlgoId,
      long algoId,
      String orderType,
      String symbol,
      String side,
      String positionSide,
      String status,
      String actualOrderId,
      BigDecimal averagePrice,
      BigDecimal executedQty,
      BigDecimal triggerPrice,
      boolean closePosition,
      String failureReason)
      implements StreamMessage {
    @Override
    public String type() {
      return "ALGO_UPDATE";
    }
  }

  /** {@code TRADE_LITE}: a fast, partial copy of a fill that ORDER_TRADE_UPDATE also reports. */
  record TradeLite(
      long eventTime,
      long transactionTime,
      String symbol,
      String clientOrderId,
      String side,
      BigDecimal lastFilledQty,
      BigDecimal lastFilledPrice,
      long tradeId,
      long orderId)
      implements StreamMessage {
    @Override
    public String type() {
      return "TRADE_LITE";
    }
  }

  /** {@code listenKeyExpired}: no more events until a new key is used. */
  record ListenKeyExpired(long eventTime) implements StreamMessage {
    @Override
    public String type() {
      return "listenKeyExpired";
    }
  }

  /** {@code markPriceUpdate}. */
  record MarkPriceUpdate(long eventTime, String symbol, BigDecimal markPrice)
      implements StreamMessage {
    @Override
    public String type() {
      return "markPriceUpdate";
    }
  }

  /** A {@code !markPrice@arr} frame: many mark prices at once. */
  record MarkPriceBatch(List<MarkPriceUpdate> updates) implements StreamMessage {
    public MarkPriceBatch {
      updates = List.copyOf(updates);
    }

    @Override
    public String type() {
      return "markPriceUpdate[]";
    }
  }

  /** The answer to a SUBSCRIBE/UNSUBSCRIBE frame; {@code error} is empty on success. */
  record SubscriptionReply(long id, String error) implements StreamMessage {
    @Override
    public String type() {
      return "subscriptionReply";
    }
  }

  /** An event type this adapter does not act on (MARGIN_CALL, ACCOUNT_CONFIG_UPDATE, ...). */
  record Other(String type, long eventTime) implements StreamMessage {}
}
