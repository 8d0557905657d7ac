package io.positionkeeper.bybit.parse;

import com.google.gson.JsonObject;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Private topic rows to port events. {@code position} uses {@code entryPrice} (REST calls it {@code
 * avgPrice}); an {@code order} row with {@code stopOrderType StopLoss} is the position's stop and
 * is named by {@code stopIds}; once it fills, it is also reported as the reduce-only order it
 * became, under the stop's name, so the fill that closed a position names the stop that made it. An
 * order's last fill is the growth of its cumulative fill ({@link OrderFills}). {@code execution}
 * rows carry no event of their own (the {@code order} and {@code position} rows that follow them
 * do), but are read so a malformed one is seen. Keeps the orders' fills so far: one mapper per
 * stream, used from one thread.
 */
public final class EventMapper {
  private static final int ORDER_MEMORY = 10_000;

  private final Function<Symbol, ClientOrderId> stopIds;
  private final OrderFills fills = new OrderFills(ORDER_MEMORY);

  public EventMapper(Function<Symbol, ClientOrderId> stopIds) {
    this.stopIds = stopIds;
  }

  public List<StreamEvent> map(Frame.Private frame) {
    Instant fallback = Instant.ofEpochMilli(frame.creationTime());
    List<StreamEvent> events = new ArrayList<>();
    for (JsonObject row : frame.rows()) {
      if (!"linear".equals(Wire.optionalText(row, "category").orElse("linear"))) {
        continue;
      }
      switch (topicOf(frame.topic())) {
        case "position" -> {
          ExchangePosition p = Rest.position(row, "entryPrice", fallback);
          events.add(
              new StreamEvent.PositionChanged(
                  p.symbol(), p.signedSize(), p.entryPrice(), p.updatedAt()));
        }
        case "order" -> order(row, fallback, events);
        case "execution" -> Rest.fill(row);
        default -> {
          // wallet and other topics are not subscribed; nothing to map.
        }
      }
    }
    return events;
  }

  private void order(JsonObject row, Instant fallback, List<StreamEvent> events) {
    Symbol symbol = Wire.symbol(row);
    Instant time = Wire.optionalMillis(row, "updatedTime").orElse(fallback);
    String wireStatus = Wire.text(row, "orderStatus");
    OrderStatus status = Rest.status(wireStatus);
    BigDecimal cumQty = Wire.decimalOrZero(row, "cumExecQty");
    BigDecimal avgPrice = Wire.decimalOrZero(row, "avgPrice");
    String orderId = Wire.text(row, "orderId");
    OrderFills.Last last =
        fills.next(
            orderId, cumQty, Wire.decimalOrZero(row, "cumExecValue"), avgPrice, status.isFinal());
    boolean isStop = "StopLoss".equals(Wire.optionalText(row, "stopOrderType").orElse(""));
    Optional<ClientOrderId> clientId = Wire.optionalText(row, "orderLinkId").map(ClientOrderId::of);
    if (isStop) {
      ClientOrderId name = stopIds.apply(symbol);
      events.add(
          Rest.build(
              "stop order",
              () ->
                  new StreamEvent.StopChanged(
                      symbol,
                      name,
                      stopStatus(wireStatus),
                      Wire.decimalOrZero(row, "triggerPrice"),
                      cumQty,
                      avgPrice,
                      time)));
      if (cumQty.signum() == 0) {
        return;
      }
      // A position stop closes (part of) its position: reduce-only whatever the row says.
      clientId = Optional.of(name);
    }
    Optional<ClientOrderId> namedBy = clientId;
    events.add(
        Rest.build(
            "order",
            () ->
                new StreamEvent.OrderChanged(
                    symbol,
                    namedBy,
                    ExchangeOrderId.of(orderId),
                    Rest.side(Wire.text(row, "side")),
                    status,
                    last.quantity(),
                    last.price(),
                    cumQty,
                    avgPrice,
                    Wire.decimalOrZero(row, "closedPnl"),
                    isStop || Wire.flag(row, "reduceOnly"),
                    time)));
  }

  /** Whether an {@code execution} row is a corporate action (a size change without a trade). */
  public static Optional<Fill> corporateAction(JsonObject row) {
    Fill f = Rest.fill(row);
    return "CorporateAction".equals(f.execType()) ? Optional.of(f) : Optional.empty();
  }

  private static StopStatus stopStatus(String wire) {
    return switch (wire) {
      case "Untriggered", "New" -> StopStatus.WORKING;
      case "Triggered", "PartiallyFilled" -> StopStatus.TRIGGERED;
      case "Filled" -> StopStatus.FILLED;
      case "Cancelled", "Deactivated" -> StopStatus.CANCELED;
      case "Rejected" -> StopStatus.REJECTED;
      default -> throw new WireFormatException("unknown stop orderStatus '" + wire + "'");
    };
  }

  private static String topicOf(String topic) {
    int dot = topic.indexOf('.');
    return dot < 0 ? topic : topic.substring(0, dot);
  }
}
