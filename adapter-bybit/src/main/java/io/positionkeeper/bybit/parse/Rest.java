package io.positionkeeper.bybit.parse;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Bybit v5 REST rows to port records; enums by explicit switch, times converted here. */
public final class Rest {
  private Rest() {}

  /** Every object of {@code result.list}. */
  public static List<JsonObject> list(JsonObject result) {
    List<JsonObject> rows = new ArrayList<>();
    for (JsonElement e : Wire.array(result, "list")) {
      if (!e.isJsonObject()) {
        throw new WireFormatException("a row of 'list' is not an object");
      }
      rows.add(e.getAsJsonObject());
    }
    return rows;
  }

  /** One row of {@code /v5/market/instruments-info}: market orders are bound by maxMktOrderQty. */
  public static InstrumentRules instrument(JsonObject row) {
    JsonObject price = Wire.child(row, "priceFilter");
    JsonObject lot = Wire.child(row, "lotSizeFilter");
    BigDecimal maxMarket =
        Wire.decimal(lot, "maxMktOrderQty")
            .orElseGet(() -> Wire.requiredDecimal(lot, "maxOrderQty"));
    return build(
        "instrument",
        () ->
            new InstrumentRules(
                Wire.symbol(row),
                Wire.requiredDecimal(price, "tickSize"),
                Wire.requiredDecimal(lot, "qtyStep"),
                Wire.requiredDecimal(lot, "minOrderQty"),
                maxMarket,
                Wire.decimalOrZero(lot, "minNotionalValue")));
  }

  public static Side side(String wire) {
    return switch (wire) {
      case "Buy" -> Side.BUY;
      case "Sell" -> Side.SELL;
      default -> throw new WireFormatException("unknown side '" + wire + "'");
    };
  }

  public static String wire(Side side) {
    return switch (side) {
      case BUY -> "Buy";
      case SELL -> "Sell";
    };
  }

  /** {@code orderStatus} to the port; {@code Untriggered} and {@code Triggered} are still open. */
  public static OrderStatus status(String wire) {
    return switch (wire) {
      case "New", "Untriggered", "Triggered", "Created" -> OrderStatus.NEW;
      case "PartiallyFilled" -> OrderStatus.PARTIALLY_FILLED;
      case "Filled" -> OrderStatus.FILLED;
      case "Cancelled", "PartiallyFilledCanceled", "Deactivated" -> OrderStatus.CANCELED;
      case "Rejected" -> OrderStatus.REJECTED;
      default -> throw new WireFormatException("unknown orderStatus '" + wire + "'");
    };
  }

  /** A row of {@code /v5/order/realtime} or {@code /history} (or the {@code order} topic). */
  public static OrderReport order(JsonObject row) {
    return build(
        "order",
        () ->
            new OrderReport(
                Wire.symbol(row),
                ClientOrderId.of(Wire.text(row, "orderLinkId")),
                ExchangeOrderId.of(Wire.text(row, "orderId")),
                side(Wire.text(row, "side")),
                status(Wire.text(row, "orderStatus")),
                Wire.decimalOrZero(row, "qty"),
                Wire.decimalOrZero(row, "cumExecQty"),
                Wire.decimalOrZero(row, "avgPrice"),
                Wire.flag(row, "reduceOnly"),
                Wire.optionalMillis(row, "updatedTime").orElse(Instant.EPOCH)));
  }

  /**
   * A position row. {@code size} is always positive and {@code side} ("Buy", "Sell", "" when flat)
   * gives the sign. REST names the entry {@code avgPrice}, the stream {@code entryPrice}.
   */
  public static ExchangePosition position(JsonObject row, String entryField, Instant fallback) {
    BigDecimal size = Wire.decimalOrZero(row, "size");
    String side = Wire.optionalText(row, "side").orElse("");
    BigDecimal signed =
        switch (side) {
          case "Buy" -> size;
          case "Sell" -> size.negate();
          case "", "None" -> {
            if (size.signum() != 0) {
              throw new WireFormatException("position with size " + size + " and no side");
            }
            yield BigDecimal.ZERO;
          }
          default -> throw new WireFormatException("unknown position side '" + side + "'");
        };
    return build(
        "position",
        () ->
            new ExchangePosition(
                Wire.symbol(row),
                signed,
                Wire.decimalOrZero(row, entryField),
                Wire.decimalOrZero(row, "markPrice"),
                Wire.optionalMillis(row, "updatedTime").orElse(fallback)));
  }

  /** The row's whole-position stop-loss, if one is set on an open position. */
  public static Optional<PositionStop> stop(JsonObject row, Instant fallback) {
    ExchangePosition p = position(row, "avgPrice", fallback);
    Optional<BigDecimal> trigger = Wire.decimal(row, "stopLoss");
    if (p.isFlat() || trigger.isEmpty() || trigger.get().signum() <= 0) {
      return Optional.empty();
    }
    // A Partial stop covers a quantity, not the position: not the kind this adapter places.
    if ("Partial".equals(Wire.optionalText(row, "tpslMode").orElse("Full"))) {
      return Optional.empty();
    }
    return Optional.of(new PositionStop(p.symbol(), p.side().orElseThrow(), trigger.get()));
  }

  /** A row of {@code /v5/execution/list} or of the {@code execution} topic. */
  public static Fill fill(JsonObject row) {
    return build(
        "execution",
        () ->
            new Fill(
                Wire.symbol(row),
                ExchangeOrderId.of(Wire.text(row, "orderId")),
                Wire.optionalText(row, "orderLinkId"),
                side(Wire.text(row, "side")),
                Wire.text(row, "execType"),
                Wire.decimalOrZero(row, "execPrice"),
                Wire.decimalOrZero(row, "execQty"),
                Wire.decimalOrZero(row, "closedSize"),
                Wire.decimalOrZero(row, "execPnl"),
                Wire.millis(row, "execTime"),
                Wire.optionalText(row, "stopOrderType")));
  }

  /**
   * Builds a port record from a row's values: a value the record refuses (a negative price or
   * quantity, a blank id) is bad data from the wire, reported as such with the row's kind, so the
   * caller's handling of unreadable rows applies rather than a raw IllegalArgumentException.
   */
  static <T> T build(String what, java.util.function.Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (WireFormatException e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new WireFormatException(what + " row: " + e.getMessage(), e);
    }
  }

  /** The side of a position whose entry orders have {@code side}. */
  public static PositionSide opened(Side side) {
    return switch (side) {
      case BUY -> PositionSide.LONG;
      case SELL -> PositionSide.SHORT;
    };
  }
}
