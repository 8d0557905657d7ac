package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.DBR;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Owed reconciliations that keep failing wait longer each time (1 s doubling to 30 s), so a venue
 * refusing reads is not asked on every tick. That wait was built by whatever failed before: a stop
 * cancelled by hand afterwards waited it out (simulator seed 14000793: after three refused phantom
 * closes on one symbol and a driver bug in the next run, a stop cancelled on another symbol stayed
 * unreplaced for 21.7 s against the 15 s window). Fresh news ends the wait: one more read is worth
 * a position without a stop.
 */
class NewsAfterFailedRunsScenariosTest {
  private final Harness h = new Harness();

  private void seconds(int n) {
    for (int s = 0; s < n; s++) {
      h.clock.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void aStopCancelledByHand_isReplacedAtTheNextTick_afterOwedRunsFailedForAMinute() {
    assertThat(h.keeper.open(intent(DBR, PositionSide.SHORT, "20", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    // A resync owes a run; the venue refuses the position reads for a while, so the owed runs
    // fail one after another and their wait grows to its 30 s ceiling.
    h.exchange
        .faults()
        .failAlways(FakeExchange.Op.POSITIONS, new RetryableException("503 service unavailable"));
    h.exchange.disconnect("blip");
    h.exchange.reconnect();
    seconds(90);
    h.exchange.faults().clear(FakeExchange.Op.POSITIONS);
    StopOrder stop = h.exchange.workingStops(DBR).get(0);

    h.exchange.cancelStopExternally(stop.clientId());
    seconds(3);

    assertThat(h.exchange.workingStops(DBR)).hasSize(1);
  }
}
