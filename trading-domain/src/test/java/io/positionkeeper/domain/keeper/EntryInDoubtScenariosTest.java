package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.DBR;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionSide;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Seeds 1000606, 2000285 and 2000480 (soak plan, I4_INVENTED_EXIT): an opening gave up on an entry
 * whose answer was lost and rolled back on a flat venue; a new intent on the same symbol opened at
 * once; the first entry landed seconds later on top of it, reducing or flipping the new position
 * (one net position per symbol), and the keeper recorded an exit the venue never made. An entry in
 * doubt holds its symbol until a query settles it.
 */
class EntryInDoubtScenariosTest {
  private static final Duration LANDS_AFTER = Duration.ofSeconds(20);

  @Test
  void anotherIntentOnASymbolWhoseEntryIsInDoubt_isRefused_untilTheVenueSettlesIt() {
    for (FakeExchange.Flavour flavour : FakeExchange.Flavour.values()) {
      Harness h = new Harness();
      h.exchange.flavour(flavour);
      h.exchange.setMarkPrice(DBR, new BigDecimal("0.012038"));
      h.exchange.nextOrderLandsAfter(LANDS_AFTER);
      assertThat(h.keeper.open(intent(DBR, PositionSide.SHORT, "22", "i-1")))
          .isInstanceOf(OpenResult.Failed.class);
      assertThat(h.exchange.positionSize(DBR)).isZero();

      OpenResult second = h.keeper.open(intent(DBR, PositionSide.LONG, "8", "i-2"));

      assertThat(second)
          .as(flavour + ": an entry sent now could meet the one in doubt")
          .isInstanceOfSatisfying(
              OpenResult.Refused.class, r -> assertThat(r.reason()).contains("in doubt"));
      h.clock.advance(LANDS_AFTER.plus(Duration.ofSeconds(10)));
      assertThat(h.exchange.orderRequests())
          .as(flavour + ": entry orders sent")
          .filteredOn(MarketOrderRequest::reduceOnly)
          .isEmpty();
      assertThat(h.exchange.orderRequests()).hasSize(1);
      // The late entry is the keeper's to protect, as one position with one stop.
      assertThat(h.exchange.positionSize(DBR)).isNegative();
      assertThat(h.keeper.positions())
          .singleElement()
          .satisfies(p -> assertThat(p.side()).isEqualTo(PositionSide.SHORT))
          .isInstanceOf(Position.Stored.class);
      assertThat(h.exchange.workingStops(DBR)).hasSize(1);
    }
  }
}
