package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionSide;
import org.junit.jupiter.api.Test;

/**
 * An entry order call that throws outside the port's answers after the order landed (a driver or
 * parse bug): the rollback once took it for "nothing was filled" and left the fill on the venue
 * with no stop and no row, reported as cleanly rolled back.
 */
class UnexpectedEntryScenariosTest {

  /** The venue takes the entry order, then the answer cannot be read. */
  private static final class ThrowsAfterTheEntryLands extends ForwardingGateway {
    ThrowsAfterTheEntryLands(ExchangeGateway venue) {
      super(venue);
    }

    @Override
    public OrderReport placeMarketOrder(MarketOrderRequest request) {
      OrderReport report = venue().placeMarketOrder(request);
      if (!request.reduceOnly()) {
        throw new IllegalStateException("the answer to the entry order could not be parsed");
      }
      return report;
    }
  }

  @Test
  void anEntryCallThrowingAfterTheOrderLanded_isRolledBackOnTheVenue_neverLeftWithoutAStop() {
    Harness raw = new Harness();
    Keeper keeper = raw.keeperOver(new ThrowsAfterTheEntryLands(raw.exchange), raw.store);

    var result = keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(result).isInstanceOf(OpenResult.Failed.class);
    assertThat(raw.exchange.positionSize(BTC)).isZero();
    assertThat(keeper.positions()).isEmpty();
  }

  /** The venue's answer to the look-up of the intent's entry order cannot be read. */
  private static final class ThrowsOnTheLookUp extends ForwardingGateway {
    ThrowsOnTheLookUp(ExchangeGateway venue) {
      super(venue);
    }

    @Override
    public java.util.Optional<OrderReport> queryOrder(
        io.positionkeeper.ports.model.Symbol symbol,
        io.positionkeeper.ports.model.ClientOrderId clientOrderId) {
      throw new IllegalStateException("the answer to the order look-up could not be parsed");
    }
  }

  @Test
  void aLookUpThrowingBeforeTheEntry_refusesTheIntent_sendsNoOrder_andAnswers() {
    // Found by the simulator's UNEXPECTED fault class: the check that an intent is new caught only
    // the port's exceptions, so open() threw to the bot instead of answering.
    Harness raw = new Harness();
    Keeper keeper = raw.keeperOver(new ThrowsOnTheLookUp(raw.exchange), raw.store);

    var result = keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    assertThat(raw.exchange.orderRequests()).isEmpty();
    assertThat(keeper.positions()).isEmpty();
  }
}
