package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a venue's streams push: position and order changes, stop changes, mark prices, connection.
 */
public sealed interface StreamEvent {

  /** When the venue says the event happened. */
  Instant time();

  /** A position's size or entry changed (Binance ACCOUNT_UPDATE, Bybit {@code position}). */
  record PositionChanged(Symbol symbol, BigDecimal signedSize, BigDecimal entryPrice, Instant time)
      implements StreamEvent {
    public PositionChanged {
      Objects.requireNonNull(symbol, "symbol");
      Objects.requireNonNull(signedSize, "signedSize");
      Checks.notNegative(entryPrice, "entryPrice");
      Objects.requireNonNull(time, "time");
    }

    public Optional<PositionSide> side() {
      return switch (signedSize.signum()) {
        case 1 -> Optional.of(PositionSide.LONG);
        case -1 -> Optional.of(PositionSide.SHORT);
        default -> Optional.empty();
      };
    }
  }

  /**
   * An order changed: placed, (partly) filled, cancelled (Binance ORDER_TRADE_UPDATE, Bybit {@code
   * order}/{@code execution}). {@code clientOrderId} is absent for orders placed without one.
   */
  record OrderChanged(
      Symbol symbol,
      Optional<ClientOrderId> clientOrderId,
      ExchangeOrderId orderId,
      Side side,
      OrderStatus status,
      BigDecimal lastFilledQuantity,
      BigDecimal lastFilledPrice,
      BigDecimal filledQuantity,
      BigDecimal averagePrice,
      BigDecimal realizedPnl,
      boolean reduceOnly,
      Instant time)
      implements StreamEvent {
    public OrderChanged {
      Objects.requireNonNull(symbol, "symbol");
      Objects.requireNonNull(clientOrderId, "clientOrderId");
      Objects.requireNonNull(orderId, "orderId");
      Objects.requireNonNull(side, "side");
      Objects.requireNonNull(status, "status");
      Checks.notNegative(lastFilledQuantity, "lastFilledQuantity");
      Checks.notNegative(lastFilledPrice, "lastFilledPrice");
      Checks.notNegative(filledQuantity, "filledQuantity");
      Checks.notNegative(averagePrice, "averagePrice");
      Objects.requireNonNull(realizedPnl, "realizedPnl");
      Objects.requireNonNull(time, "time");
    }
  }

  /** A stop-loss changed (Binance ALGO_UPDATE, Bybit {@code order} with a stop order type). */
  record StopChanged(
      Symbol symbol,
      ClientOrderId clientId,
      StopStatus status,
      BigDecimal triggerPrice,
      BigDecimal filledQuantity,
      BigDecimal averagePrice,
      Instant time)
      implements StreamEvent {
    public StopChanged {
      Objects.requireNonNull(symbol, "symbol");
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(status, "status");
      Checks.notNegative(triggerPrice, "triggerPrice");
      Checks.notNegative(filledQuantity, "filledQuantity");
      Checks.notNegative(averagePrice, "averagePrice");
      Objects.requireNonNull(time, "time");
    }
  }

  /** A new mark price. */
  record MarkPriceChanged(Symbol symbol, BigDecimal markPrice, Instant time)
      implements StreamEvent {
    public MarkPriceChanged {
      Objects.requireNonNull(symbol, "symbol");
      Checks.positive(markPrice, "markPrice");
      Objects.requireNonNull(time, "time");
    }
  }

  /** The streams' connection changed; {@code detail} says why (a reconnect, an expired key). */
  record ConnectionChanged(ConnectionState state, String detail, Instant time)
      implements StreamEvent {
    public ConnectionChanged {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(time, "time");
    }
  }
}
