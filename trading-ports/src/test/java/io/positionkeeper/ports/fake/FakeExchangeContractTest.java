package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.contract.ExchangeGatewayContract;
import io.positionkeeper.ports.contract.VenueDriver;
import org.junit.jupiter.api.BeforeEach;

class FakeExchangeContractTest extends ExchangeGatewayContract {
  private FakeVenue venue;

  @BeforeEach
  void newVenue() {
    venue = new FakeVenue();
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
