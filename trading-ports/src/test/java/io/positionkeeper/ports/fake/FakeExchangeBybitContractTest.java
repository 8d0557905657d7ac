package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.contract.ExchangeGatewayContract;
import io.positionkeeper.ports.contract.VenueDriver;
import org.junit.jupiter.api.BeforeEach;

/** The gateway contract holds for the fake's Bybit flavour too: the simulator runs it. */
class FakeExchangeBybitContractTest extends ExchangeGatewayContract {
  private FakeVenue venue;

  @BeforeEach
  void newVenue() {
    venue = new FakeVenue();
    venue.exchange.flavour(FakeExchange.Flavour.BYBIT);
  }

  @Override
  protected ExchangeGateway gateway() {
    return venue.exchange;
  }

  @Override
  protected VenueDriver venue() {
    return venue;
  }
}
