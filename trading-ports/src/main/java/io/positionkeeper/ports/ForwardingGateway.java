package io.positionkeeper.ports;

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
 * A gateway that hands every call to another one: the base of a decorator that changes a few calls
 * (a read-only venue for a dry run, a venue with a defect put back in a test) and forwards the rest
 * unchanged.
 */
public abstract class ForwardingGateway implements ExchangeGateway {
  private final ExchangeGateway venue;

  protected ForwardingGateway(ExchangeGateway venue) {
    this.venue = Objects.requireNonNull(venue, "venue");
  }

  /** The gateway calls are forwarded to. */
  protected final ExchangeGateway venue() {
    return venue;
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
    return venue.placeMarketOrder(request);
  }

  @Override
  public Optional<OrderReport> queryOrder(Symbol symbol, ClientOrderId clientOrderId) {
    return venue.queryOrder(symbol, clientOrderId);
  }

  @Override
  public OrderReport cancelOrder(Symbol symbol, ClientOrderId clientOrderId) {
    return venue.cancelOrder(symbol, clientOrderId);
  }

  @Override
  public StopOrder placeStopLoss(StopLossRequest request) {
    return venue.placeStopLoss(request);
  }

  @Override
  public StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement) {
    return venue.moveStopLoss(current, replacement);
  }

  @Override
  public void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId) {
    venue.cancelStopLoss(symbol, stopClientId);
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
