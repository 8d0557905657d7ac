package io.positionkeeper.bybit.parse;

import com.google.gson.JsonObject;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
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
 * is named by {@code stopIds}; {@code execution} rows carry no event of their own (the {@code
 * order} and {@code position} rows that follow them do), but are read so a malformed one is seen.
 */
public final class EventMapper {
  private final Function<Symbol, ClientOrderId> stopIds;

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
        case "order" -> events.add(order(row, fallback));
        case "execution" -> Rest.fill(row);
        default -> {
          // wallet and other topics are not subscribed; nothing to map.
        }
      }
    }
    return events;
  }

  private StreamEvent order(JsonObject row, Instant fallback) {
    Symbol symbol = Symbol.of(Wire.text(row, "symbol"));
    Instant time = Wire.optionalMillis(row, "updatedTime").orElse(fallback);
    if ("StopLoss".equals(Wire.optionalText(row, "stopOrderType").orElse(""))) {
      return new StreamEvent.StopChanged(
          symbol,
          stopIds.apply(symbol),
          stopStatus(Wire.text(row, "orderStatus")),
          Wire.decimalOrZero(row, "triggerPrice"),
          Wire.decimalOrZero(row, "cumExecQty"),
          Wire.decimalOrZero(row, "avgPrice"),
          time);
    }
    return new StreamEvent.OrderChanged(
        symbol,
        Wire.optionalText(row, "orderLinkId").map(ClientOrderId::of),
        ExchangeOrderId.of(Wire.text(row, "orderId")),
        Rest.side(Wire.text(row, "side")),
        Rest.status(Wire.text(row, "orderStatus")),
        BigDecimal.ZERO,
        BigDecimal.ZERO,
        Wire.decimalOrZero(row, "cumExecQty"),
        Wire.decimalOrZero(row, "avgPrice"),
        Wire.decimalOrZero(row, "closedPnl"),
        Wire.flag(row, "reduceOnly"),
        time);
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
