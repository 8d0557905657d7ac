package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.SKL;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Seed 11000303 (Binance, every class on, I1 at step 617: a LONG with no stop for 18.9 s): a late
 * entry was adopted by reconciliation, and the row's INSERT threw a driver's bug after it was
 * committed. The adoption failed without reading the row back, so the book never held the position;
 * later runs found the row and kept a stop on the venue, but a stop of a position the book does not
 * hold is not news when it goes: cancelled by hand, it waited for the periodic run.
 */
class AdoptionDriverBugScenariosTest {
  private final Harness raw = new Harness();
  private final UnexpectedFaults bugs = new UnexpectedFaults();
  private final Keeper keeper;

  AdoptionDriverBugScenariosTest() {
    keeper = raw.keeperOver(bugs.gateway(raw.exchange), bugs.store(raw.store));
    raw.exchange.setMarkPrice(SKL, new BigDecimal("0.03208"));
  }

  @Test
  void anAdoptionWhoseRowWasWrittenBeforeADriverBug_putsThePositionInTheBook() {
    raw.exchange.nextOrderLandsAfter(Duration.ofSeconds(10));
    assertThat(keeper.open(intent(SKL, PositionSide.LONG, "18", "i-1")))
        .isInstanceOf(OpenResult.Failed.class);
    bugs.armStore(InMemoryPositionStore.Op.INSERT, FaultKnobs.When.AFTER_EFFECT);
    raw.clock.advance(Duration.ofSeconds(15));
    assertThat(raw.exchange.positionSize(SKL)).isPositive();
    assertThat(raw.store.loadOpen()).singleElement();
    assertThat(raw.exchange.workingStops(SKL)).hasSize(1);
    assertThat(keeper.positions()).singleElement();

    StopOrder stop = raw.exchange.workingStops(SKL).get(0);
    raw.exchange.cancelStopExternally(stop.clientId());
    raw.clock.advance(Duration.ofSeconds(10));

    assertThat(raw.exchange.workingStops(SKL)).hasSize(1);
  }
}
