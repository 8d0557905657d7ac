package io.positionkeeper.binance;

import io.positionkeeper.binance.http.BinanceRestClient;
import io.positionkeeper.binance.http.RequestKind;
import io.positionkeeper.binance.parse.PortMapper;
import io.positionkeeper.binance.parse.Wire;
import io.positionkeeper.binance.parse.WireFormatException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client id names at the venue: the order or algo order it belongs to, read with the
 * in-doubt rules ({@link InDoubt}: "no such order" proves nothing while an ambiguous answer is
 * recent), and whether an earlier order under an id is the same request or a clash. Binance keeps
 * ids unique among open orders only, so this is how the gateway keeps one order per client id.
 */
final class ClientIds {
  private static final Logger log = LoggerFactory.getLogger(ClientIds.class);

  private final BinanceRestClient rest;
  private final InDoubt doubts;

  ClientIds(BinanceRestClient rest, InDoubt doubts) {
    this.rest = rest;
    this.doubts = doubts;
  }

  InDoubt doubts() {
    return doubts;
  }

  /**
   * The order a client id names; empty only when the venue has none and nothing says it may still
   * land. {@code kind} is {@link RequestKind#ORDER_LOOKUP} right before an order is sent.
   */
  Optional<OrderReport> order(Symbol symbol, ClientOrderId clientOrderId, RequestKind kind) {
    Wire.Order order;
    try {
      order = rest.queryOrder(symbol.value(), clientOrderId.value(), kind);
    } catch (RejectedException e) {
      if (e.code().equals(BinanceGateway.NO_SUCH_ORDER)
          || e.code().equals(BinanceGateway.UNKNOWN_ORDER)) {
        doubts.absent(InDoubt.Space.ORDER, clientOrderId.value());
        return Optional.empty();
      }
      throw e;
    }
    doubts.seen(InDoubt.Space.ORDER, clientOrderId.value());
    return Optional.of(readable("order", () -> PortMapper.orderReport(order)));
  }

  /** The algo order a client id names, if the venue has one (in-doubt rules apply). */
  Optional<StopOrder> stop(String clientAlgoId) {
    Wire.AlgoOrder existing;
    try {
      existing = rest.lookUpAlgoOrder(clientAlgoId);
    } catch (RejectedException e) {
      if (e.code().equals(BinanceGateway.NO_SUCH_ORDER)
          || e.code().equals(BinanceGateway.UNKNOWN_ORDER)) {
        doubts.absent(InDoubt.Space.ALGO, clientAlgoId);
        return Optional.empty();
      }
      throw e;
    }
    doubts.seen(InDoubt.Space.ALGO, clientAlgoId);
    return Optional.of(readable("algo order", () -> PortMapper.stopOrder(existing)));
  }

  /** An earlier order with the request's id is this request's only when it is the same order. */
  static OrderReport sameOrderOrThrow(MarketOrderRequest request, OrderReport earlier) {
    boolean same =
        earlier.symbol().equals(request.symbol())
            && earlier.side() == request.side()
            && earlier.quantity().compareTo(request.quantity()) == 0
            && earlier.reduceOnly() == request.reduceOnly();
    if (!same) {
      throw new RejectedException(
          BinanceGateway.CLIENT_ID_USED,
          "client id "
              + request.clientOrderId()
              + " already names order "
              + earlier.orderId()
              + " ("
              + earlier.side()
              + " "
              + earlier.quantity().toPlainString()
              + " "
              + earlier.symbol()
              + ", "
              + earlier.status()
              + "); a different order needs its own client id");
    }
    log.info(
        "market order {} already sent (order {}, {}); reporting it instead of sending again",
        request.clientOrderId(),
        earlier.orderId(),
        earlier.status());
    return earlier;
  }

  /**
   * An earlier stop with the request's id is this request's when it is working on the same symbol,
   * side and trigger; anything else is a clash, refused with {@code duplicate} when the venue
   * answered -4116, or as {@link BinanceGateway#CLIENT_ID_USED}.
   */
  static StopOrder sameStopOrThrow(
      StopLossRequest request, StopOrder stop, RejectedException duplicate) {
    boolean same =
        stop.symbol().equals(request.symbol())
            && stop.positionSide() == request.positionSide()
            && stop.triggerPrice().compareTo(request.triggerPrice()) == 0
            && !stop.status().isFinal();
    if (!same) {
      if (duplicate != null) {
        throw duplicate;
      }
      throw new RejectedException(
          BinanceGateway.CLIENT_ID_USED,
          "client id "
              + request.clientId()
              + " already names stop "
              + stop.orderId().map(Object::toString).orElse("?")
              + " ("
              + stop.positionSide()
              + " "
              + stop.symbol()
              + " at "
              + stop.triggerPrice().toPlainString()
              + ", "
              + stop.status()
              + "); a new stop needs its own client id");
    }
    log.info("stop-loss {} already working; reporting the first attempt", stop.clientId());
    return stop;
  }

  private static <T> T readable(String what, Supplier<T> mapping) {
    try {
      return mapping.get();
    } catch (WireFormatException e) {
      throw new RetryableException(what + ": answer not usable: " + e.getMessage(), e);
    }
  }
}
