package io.positionkeeper.binance.parse;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.StreamEvent;
import java.time.Instant;

/**
 * Stream messages to port events. ACCOUNT_UPDATE yields one {@code PositionChanged} per one-way
 * ({@code BOTH}) row; ORDER_TRADE_UPDATE an {@code OrderChanged}; ALGO_UPDATE a {@code
 * StopChanged}; mark prices {@code MarkPriceChanged}. What cannot be represented (a hedge-mode row,
 * a value the port refuses) is handed to {@link Sink#problem} with the reason, never dropped in
 * silence.
 */
public final class EventMapper {
  private EventMapper() {}

  /** Receives the mapped events and the problems, in frame order. */
  public interface Sink {
    void event(StreamEvent event);

    void problem(String description);
  }

  public static void map(StreamMessage message, Sink sink) {
    switch (message) {
      case StreamMessage.AccountUpdate a -> accountUpdate(a, sink);
      case StreamMessage.OrderUpdate o -> emit(sink, o.type(), () -> orderChanged(o));
      case StreamMessage.AlgoUpdate a -> {
        // Take-profits, trailing and hand-placed stops share the event; they are not ours.
        if (OwnStops.isStopLoss(a)) {
          emit(sink, a.type(), () -> stopChanged(a));
        }
      }
      case StreamMessage.MarkPriceUpdate m -> emit(sink, m.type(), () -> markPrice(m));
      case StreamMessage.MarkPriceBatch b -> {
        for (StreamMessage.MarkPriceUpdate m : b.updates()) {
          emit(sink, m.type(), () -> markPrice(m));
        }
      }
      // Every TRADE_LITE fill is reported again, with status and cumulative quantity, by the
      // ORDER_TRADE_UPDATE of the same trade: forwarding both would count the fill twice.
      case StreamMessage.TradeLite t -> {}
      case StreamMessage.ListenKeyExpired e -> {}
      case StreamMessage.SubscriptionReply r -> {}
      case StreamMessage.Other o -> {}
    }
  }

  private static void accountUpdate(StreamMessage.AccountUpdate a, Sink sink) {
    Instant time = PortMapper.time(a.transactionTime());
    for (StreamMessage.PositionRow row : a.rows()) {
      if (!row.positionSide().equals("BOTH")) {
        sink.problem(
            "ACCOUNT_UPDATE "
                + row.symbol()
                + " has a hedge-mode row (positionSide "
                + row.positionSide()
                + ", pa "
                + row.positionAmount().toPlainString()
                + "); this adapter needs the account in one-way mode");
        continue;
      }
      emit(
          sink,
          a.type(),
          () ->
              new StreamEvent.PositionChanged(
                  PortMapper.symbol(row.symbol()), row.positionAmount(), row.entryPrice(), time));
    }
  }

  public static StreamEvent.OrderChanged orderChanged(StreamMessage.OrderUpdate o) {
    return new StreamEvent.OrderChanged(
        PortMapper.symbol(o.symbol()),
        PortMapper.clientOrderId(o.clientOrderId()),
        ExchangeOrderId.of(o.orderId()),
        PortMapper.side(o.side()),
        PortMapper.orderStatus(o.status()),
        o.lastFilledQty(),
        o.lastFilledPrice(),
        o.cumulativeFilledQty(),
        o.averagePrice(),
        o.realizedProfit(),
        o.reduceOnly() || o.closePosition(),
        PortMapper.time(o.transactionTime()));
  }

  public static StreamEvent.StopChanged stopChanged(StreamMessage.AlgoUpdate a) {
    return new StreamEvent.StopChanged(
        PortMapper.symbol(a.symbol()),
        ClientOrderId.of(a.clientAlgoId()),
        PortMapper.stopStatus(a.status(), a.executedQty()),
        a.triggerPrice(),
        a.executedQty(),
        a.averagePrice(),
        PortMapper.time(a.transactionTime()));
  }

  public static StreamEvent.MarkPriceChanged markPrice(StreamMessage.MarkPriceUpdate m) {
    return new StreamEvent.MarkPriceChanged(
        PortMapper.symbol(m.symbol()), m.markPrice(), PortMapper.time(m.eventTime()));
  }

  private interface EventFactory {
    StreamEvent create();
  }

  private static void emit(Sink sink, String type, EventFactory factory) {
    StreamEvent event;
    try {
      event = factory.create();
    } catch (WireFormatException | IllegalArgumentException | NullPointerException e) {
      sink.problem(type + ": " + e.getMessage());
      return;
    }
    sink.event(event);
  }
}
