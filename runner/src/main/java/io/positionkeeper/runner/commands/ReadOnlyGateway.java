package io.positionkeeper.runner.commands;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;

/**
 * A venue that can be read and not changed: every order call throws before it reaches the venue, so
 * a dry run cannot place, move or cancel anything whatever the code it runs decides. Reads are
 * forwarded; ReadOnlyGatewayTest fails when the gateway gains a call this class neither refuses nor
 * lists as a read.
 */
final class ReadOnlyGateway extends ForwardingGateway {

  ReadOnlyGateway(ExchangeGateway venue) {
    super(venue);
  }

  private static IllegalStateException refused(String what) {
    return new IllegalStateException("dry run: " + what + " refused, nothing is sent to the venue");
  }

  @Override
  public OrderReport placeMarketOrder(MarketOrderRequest request) {
    throw refused("a market order");
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
}
