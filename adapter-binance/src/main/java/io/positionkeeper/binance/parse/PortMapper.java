package io.positionkeeper.binance.parse;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.MarkPrice;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Wire records to port records. Enums are mapped by explicit switch (an unknown value is an error,
 * never a guess) and venue milliseconds become {@link Instant}s here. A value the port records
 * refuse (a negative quantity, a malformed id) becomes a {@link WireFormatException}.
 */
public final class PortMapper {
  private PortMapper() {}

  public static Instant time(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis);
  }

  public static Side side(String wire) {
    return switch (wire) {
      case "BUY" -> Side.BUY;
      case "SELL" -> Side.SELL;
      default -> throw new WireFormatException("unknown side '" + wire + "'");
    };
  }

  public static String wireSide(Side side) {
    return switch (side) {
      case BUY -> "BUY";
      case SELL -> "SELL";
    };
  }

  /** Order statuses of {@code /fapi/v1/order} and {@code ORDER_TRADE_UPDATE.X}. */
  public static OrderStatus orderStatus(String wire) {
    return switch (wire) {
      case "NEW" -> OrderStatus.NEW;
      case "PARTIALLY_FILLED" -> OrderStatus.PARTIALLY_FILLED;
      case "FILLED" -> OrderStatus.FILLED;
      case "CANCELED" -> OrderStatus.CANCELED;
      case "EXPIRED", "EXPIRED_IN_MATCH" -> OrderStatus.EXPIRED;
      case "REJECTED" -> OrderStatus.REJECTED;
      // Liquidation orders of the insurance fund / auto-deleveraging, not yet executed.
      case "NEW_INSURANCE", "NEW_ADL" -> OrderStatus.NEW;
      default -> throw new WireFormatException("unknown order status '" + wire + "'");
    };
  }

  /**
   * Algo statuses ({@code algoStatus}, {@code ALGO_UPDATE.X}). FINISHED means "done in the matching
   * engine": filled when something was executed, otherwise cancelled there.
   */
  public static StopStatus stopStatus(String wire, BigDecimal executedQty) {
    return switch (wire) {
      case "NEW" -> StopStatus.WORKING;
      case "TRIGGERING", "TRIGGERED" -> StopStatus.TRIGGERED;
      case "FINISHED" -> executedQty.signum() > 0 ? StopStatus.FILLED : StopStatus.CANCELED;
      case "CANCELED" -> StopStatus.CANCELED;
      case "REJECTED" -> StopStatus.REJECTED;
      case "EXPIRED" -> StopStatus.EXPIRED;
      default -> throw new WireFormatException("unknown algo status '" + wire + "'");
    };
  }

  /**
   * The position a stop protects: explicit in hedge mode, else implied by the side (a SELL stop
   * closes a long).
   */
  public static PositionSide stopPositionSide(String side, String positionSide) {
    return switch (positionSide) {
      case "LONG" -> PositionSide.LONG;
      case "SHORT" -> PositionSide.SHORT;
      case "BOTH" ->
          switch (side(side)) {
            case SELL -> PositionSide.LONG;
            case BUY -> PositionSide.SHORT;
          };
      default -> throw new WireFormatException("unknown positionSide '" + positionSide + "'");
    };
  }

  public static OrderReport orderReport(Wire.Order o) {
    return build(
        "order " + o.orderId(),
        () ->
            new OrderReport(
                symbol(o.symbol()),
                ClientOrderId.of(o.clientOrderId()),
                ExchangeOrderId.of(o.orderId()),
                side(o.side()),
                orderStatus(o.status()),
                o.origQty(),
                o.executedQty(),
                o.avgPrice(),
                o.reduceOnly() || o.closePosition(),
                time(o.updateTime())));
  }

  public static StopOrder stopOrder(Wire.AlgoOrder a) {
    return build(
        "algo order " + a.algoId(),
        () ->
            new StopOrder(
                symbol(a.symbol()),
                ClientOrderId.of(a.clientAlgoId()),
                Optional.of(ExchangeOrderId.of(a.algoId())),
                stopPositionSide(a.side(), a.positionSide()),
                a.triggerPrice(),
                // REST algo objects carry no executed quantity; FINISHED is resolved by the caller.
                stopStatus(a.algoStatus(), BigDecimal.ZERO)));
  }

  /**
   * The exit of a position of {@code side} on {@code symbol}, from its reducing fills taken
   * together: the quantity they reduced, its average price, their summed realized PnL, the client
   * id of the last one's order and the last one's time (epoch milliseconds).
   */
  public static PositionExit positionExit(
      String symbol,
      PositionSide side,
      BigDecimal quantity,
      BigDecimal averagePrice,
      BigDecimal realizedPnl,
      Optional<ClientOrderId> closingClientId,
      long lastFillTime) {
    return build(
        "exit of " + side + " " + symbol,
        () ->
            new PositionExit(
                symbol(symbol),
                side,
                quantity,
                averagePrice,
                realizedPnl,
                closingClientId,
                time(lastFillTime)));
  }

  public static ExchangePosition position(Wire.Position p) {
    return build(
        "position " + p.symbol(),
        () ->
            new ExchangePosition(
                symbol(p.symbol()),
                p.positionAmt(),
                p.entryPrice(),
                p.markPrice(),
                time(p.updateTime())));
  }

  public static InstrumentRules rules(Wire.SymbolRules s) {
    return build(
        "symbol " + s.symbol(),
        () ->
            new InstrumentRules(
                symbol(s.symbol()),
                s.tickSize(),
                s.stepSize(),
                s.minQty(),
                s.maxQty(),
                s.minNotional()));
  }

  public static MarkPrice markPrice(Wire.PremiumIndex p) {
    return build(
        "mark price " + p.symbol(),
        () -> new MarkPrice(symbol(p.symbol()), p.markPrice(), time(p.time())));
  }

  /**
   * Symbols seen so far: the port's constructor validates with a Unicode regex, too slow to run on
   * every stream event. Bounded, since a venue lists a few hundred symbols.
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, Symbol> SYMBOLS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final int SYMBOL_CACHE_LIMIT = 4096;

  public static Symbol symbol(String wire) {
    Symbol cached = SYMBOLS.get(wire);
    if (cached != null) {
      return cached;
    }
    Symbol symbol;
    try {
      symbol = Symbol.of(wire);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException("unusable symbol '" + wire + "'", e);
    }
    if (SYMBOLS.size() < SYMBOL_CACHE_LIMIT) {
      SYMBOLS.putIfAbsent(wire, symbol);
    }
    return symbol;
  }

  /** A client id the port accepts, or empty (web/app orders and liquidations use other forms). */
  public static Optional<ClientOrderId> clientOrderId(String wire) {
    if (wire == null || wire.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ClientOrderId.of(wire));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static <T> T build(String what, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      if (e instanceof WireFormatException w) {
        throw new WireFormatException(what + ": " + w.getMessage(), w);
      }
      throw new WireFormatException(what + ": " + e.getMessage(), e);
    }
  }
}
