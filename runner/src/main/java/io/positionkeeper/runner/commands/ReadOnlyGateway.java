package io.positionkeeper.runner.commands;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.MarkPrice;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A venue that can be read and not changed: every order call throws before it reaches the venue, so
 * a dry run cannot place, move or cancel anything whatever the code it runs decides.
 */
final class ReadOnlyGateway implements ExchangeGateway {
  private final ExchangeGateway venue;

  ReadOnlyGateway(ExchangeGateway venue) {
    this.venue = Objects.requireNonNull(venue, "venue");
  }

  private static IllegalStateException refused(String what) {
    return new IllegalStateException("dry run: " + what + " refused, nothing is sent to the venue");
  }

  @Override
  public Exchange exchange() {
    return venue.exchange();
  }

  @Override
  public List<InstrumentRules> instruments() {
    return venue.instruments();
  }

  @Override
  public InstrumentRules instrument(Symbol symbol) {
    return venue.instrument(symbol);
  }

  @Override
  public OrderReport placeMarketOrder(MarketOrderRequest request) {
    throw refused("a market order");
  }

  @Override
  public Optional<OrderReport> queryOrder(Symbol symbol, ClientOrderId clientOrderId) {
    return venue.queryOrder(symbol, clientOrderId);
  }

  @Override
  public OrderReport cancelOrder(Symbol symbol, ClientOrderId clientOrderId) {
    throw refused("cancelling an order");
  }

  @Override
  public StopOrder placeStopLoss(StopLossRequest request) {
    throw refused("placing a stop-loss");
  }

  @Override
  public StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement) {
    throw refused("moving a stop-loss");
  }

  @Override
  public void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId) {
    throw refused("cancelling a stop-loss");
  }

  @Override
  public List<StopOrder> openStopLosses(Symbol symbol) {
    return venue.openStopLosses(symbol);
  }

  @Override
  public List<StopOrder> allOpenStopLosses() {
    return venue.allOpenStopLosses();
  }

  @Override
  public PositionSnapshot positions() {
    return venue.positions();
  }

  @Override
  public Optional<ExchangeOrderId> openingOrderId(Symbol symbol, PositionSide side) {
    return venue.openingOrderId(symbol, side);
  }

  @Override
  public Optional<PositionExit> exitSince(Symbol symbol, PositionSide side, Instant since) {
    return venue.exitSince(symbol, side, since);
  }

  @Override
  public MarkPrice markPrice(Symbol symbol) {
    return venue.markPrice(symbol);
  }

  @Override
  public Instant serverTime() {
    return venue.serverTime();
  }
}
