package io.positionkeeper.binance;

import io.positionkeeper.binance.http.BinanceRestClient;
import io.positionkeeper.binance.parse.OwnStops;
import io.positionkeeper.binance.parse.PortMapper;
import io.positionkeeper.binance.parse.Wire;
import io.positionkeeper.binance.parse.WireFormatException;
import io.positionkeeper.binance.ws.StreamState;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.MarkPrice;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST half of a resync: reads what the streams may have missed while they were down
 * (positions, the stops and orders last seen open, mark prices) and expresses it as stream events.
 * Runs on the streams' I/O thread; throws a port exception when the view cannot be completed, so
 * the streams never report RESYNCED on a partial view.
 */
final class StreamResync {
  private static final Logger log = LoggerFactory.getLogger(StreamResync.class);

  /** What the loop knew when the resync started. */
  record Known(
      Set<Symbol> openPositions,
      List<StreamState.LiveStop> liveStops,
      List<StreamState.OpenOrder> openOrders,
      Set<Symbol> watched) {}

  /** Positions (admitted with the staleness guard) and the other events, in delivery order. */
  record Result(List<StreamEvent.PositionChanged> positions, List<StreamEvent> others) {}

  private final BinanceRestClient rest;

  StreamResync(BinanceRestClient rest) {
    this.rest = rest;
  }

  Result fetch(Known known) {
    Wire.Rows<Wire.Position> rows = rest.positionRisk();
    Instant takenAt = rest.http().serverClock().now();
    if (!rows.complete()) {
      throw new RetryableException(
          "position list partly unreadable: " + String.join("; ", rows.problems()));
    }
    List<StreamEvent.PositionChanged> positions = new ArrayList<>();
    Set<Symbol> listed = new HashSet<>();
    for (Wire.Position row : rows.rows()) {
      if (row.positionAmt().signum() == 0) {
        continue; // flat: filtered on the raw size field
      }
      if (!row.positionSide().equals("BOTH")) {
        // The account was switched to hedge mode after the start. Such a row cannot be one of
        // the port's positions, and failing would fail every resync from now on: the gateway's
        // position snapshot reports it as incomplete, which is where the keeper decides.
        log.warn(
            "resync: {} has a hedge-mode row (positionSide {}); left out",
            row.symbol(),
            row.positionSide());
        continue;
      }
      ExchangePosition p;
      try {
        p = PortMapper.position(row);
      } catch (WireFormatException e) {
        throw new RetryableException("position of " + row.symbol() + ": " + e.getMessage(), e);
      }
      listed.add(p.symbol());
      positions.add(
          new StreamEvent.PositionChanged(
              p.symbol(), p.signedSize(), p.entryPrice(), p.updatedAt()));
    }
    for (Symbol s : known.openPositions()) {
      if (!listed.contains(s)) {
        // Closed while we were not listening (stop fired, liquidation, closed by hand).
        positions.add(
            new StreamEvent.PositionChanged(s, BigDecimal.ZERO, BigDecimal.ZERO, takenAt));
      }
    }

    List<StreamEvent> others = new ArrayList<>();
    Set<Symbol> stopSymbols = new TreeSet<>(listed);
    known.liveStops().forEach(s -> stopSymbols.add(s.symbol()));
    Set<ClientOrderId> open = new HashSet<>();
    Map<Symbol, List<StopOrder>> stops = openStops(stopSymbols);
    for (Symbol symbol : stopSymbols) {
      for (StopOrder stop : stops.getOrDefault(symbol, List.of())) {
        open.add(stop.clientId());
        others.add(
            new StreamEvent.StopChanged(
                stop.symbol(),
                stop.clientId(),
                stop.status(),
                stop.triggerPrice(),
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                takenAt));
      }
    }
    for (StreamState.LiveStop stop : known.liveStops()) {
      if (!open.contains(stop.clientId())) {
        finalStop(stop).ifPresent(others::add);
      }
    }
    for (StreamState.OpenOrder order : known.openOrders()) {
      order(order).ifPresent(others::add);
    }
    for (Symbol symbol : known.watched()) {
      MarkPrice mark;
      try {
        mark = PortMapper.markPrice(rest.premiumIndex(symbol.value()));
      } catch (WireFormatException e) {
        throw new RetryableException("mark price of " + symbol + ": " + e.getMessage(), e);
      }
      others.add(new StreamEvent.MarkPriceChanged(symbol, mark.price(), mark.time()));
    }
    return new Result(positions, others);
  }

  /**
   * The stop-losses open on those symbols, by the same rule as the stream ({@link OwnStops}): one
   * read of every symbol's algo orders once that costs less request weight than a read per symbol
   * (40 against 1 each; a start with 1,100 positions spent its minute's weight on these reads).
   */
  private Map<Symbol, List<StopOrder>> openStops(Set<Symbol> symbols) {
    Map<Symbol, List<StopOrder>> bySymbol = new HashMap<>();
    if (symbols.size() > BinanceRestClient.ALL_OPEN_ALGO_ORDERS_WEIGHT) {
      for (StopOrder stop : OwnStops.allStopLosses(rest.allOpenAlgoOrders())) {
        if (symbols.contains(stop.symbol())) {
          bySymbol.computeIfAbsent(stop.symbol(), s -> new ArrayList<>()).add(stop);
        }
      }
      return bySymbol;
    }
    for (Symbol symbol : symbols) {
      bySymbol.put(symbol, OwnStops.stopLosses(symbol, rest.openAlgoOrders(symbol.value())));
    }
    return bySymbol;
  }

  /** The final state of a stop that is no longer open: cancelled, expired, or filled. */
  private java.util.Optional<StreamEvent> finalStop(StreamState.LiveStop stop) {
    Wire.AlgoOrder algo;
    try {
      algo = rest.queryAlgoOrder(stop.clientId().value());
    } catch (RejectedException e) {
      if (e.code().equals(BinanceGateway.NO_SUCH_ORDER)) {
        // The venue forgets cancelled algo orders after 3 days; nothing more can be learned.
        log.warn("stop {} is neither open nor known to the venue any more", stop.clientId());
        return java.util.Optional.empty();
      }
      throw e;
    }
    BigDecimal executed = BigDecimal.ZERO;
    BigDecimal average = BigDecimal.ZERO;
    if (algo.algoStatus().equals("FINISHED") && !algo.actualOrderId().isEmpty()) {
      long actual;
      try {
        actual = Long.parseLong(algo.actualOrderId());
      } catch (NumberFormatException e) {
        throw new RetryableException(
            "algo order " + algo.algoId() + " has an unreadable actualOrderId", e);
      }
      Wire.Order o = rest.queryOrder(algo.symbol(), actual);
      executed = o.executedQty();
      average = o.avgPrice();
    }
    try {
      return java.util.Optional.of(
          new StreamEvent.StopChanged(
              stop.symbol(),
              stop.clientId(),
              PortMapper.stopStatus(algo.algoStatus(), executed),
              algo.triggerPrice(),
              executed,
              average,
              PortMapper.time(algo.updateTime())));
    } catch (WireFormatException | IllegalArgumentException e) {
      throw new RetryableException("stop " + stop.clientId() + ": " + e.getMessage(), e);
    }
  }

  /** The current state of an order last seen open, as a stream event. */
  private java.util.Optional<StreamEvent> order(StreamState.OpenOrder known) {
    Wire.Order o;
    try {
      o = rest.queryOrder(known.symbol().value(), Long.parseLong(known.orderId().value()));
    } catch (RejectedException e) {
      if (e.code().equals(BinanceGateway.NO_SUCH_ORDER)) {
        log.warn("order {} is no longer known to the venue", known.orderId());
        return java.util.Optional.empty();
      }
      throw e;
    }
    BigDecimal missed = o.executedQty().subtract(known.filledQuantity());
    BigDecimal missedPrice = BigDecimal.ZERO;
    if (missed.signum() > 0) {
      // The average price of the fills we missed, from the cumulative averages.
      missedPrice =
          o.avgPrice()
              .multiply(o.executedQty())
              .subtract(known.averagePrice().multiply(known.filledQuantity()))
              .divide(missed, o.avgPrice().scale() + 4, RoundingMode.HALF_EVEN)
              .stripTrailingZeros();
    }
    try {
      return java.util.Optional.of(
          new StreamEvent.OrderChanged(
              known.symbol(),
              PortMapper.clientOrderId(o.clientOrderId()),
              known.orderId(),
              PortMapper.side(o.side()),
              PortMapper.orderStatus(o.status()),
              missed.max(BigDecimal.ZERO),
              missedPrice.max(BigDecimal.ZERO),
              o.executedQty(),
              o.avgPrice(),
              // REST orders carry no realized PnL; the trade history has it.
              BigDecimal.ZERO,
              o.reduceOnly() || o.closePosition(),
              PortMapper.time(o.updateTime())));
    } catch (WireFormatException | IllegalArgumentException e) {
      throw new RetryableException("order " + known.orderId() + ": " + e.getMessage(), e);
    }
  }
}
