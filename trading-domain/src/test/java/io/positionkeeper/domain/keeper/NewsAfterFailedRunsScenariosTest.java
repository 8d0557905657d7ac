package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.DBR;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StreamEvent;
import java.time.Duration;
import java.time.Instant;
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

  /**
   * Seed 17003117 (Binance, I1: a late entry without a stop for 17.5 s): a run waited for its
   * confirming snapshot (a phantom), and the clock ran the trailing timer meanwhile; a late entry
   * landed in that wait, so the timer's owed run was refused because one was already running, and
   * each such refusal counted as a failed run and grew the wait before the next. The outer run (its
   * phantom close refused by the store) could not adopt an entry that landed after its snapshot,
   * and the run that could waited out the grown wait. A nested refusal says nothing about the
   * venue.
   */
  @Test
  void runsRefusedBecauseOneWasAlreadyRunning_doNotGrowTheWait() {
    assertThat(h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    // BTC closed by hand with its news lost: a phantom, whose close the store then refuses once.
    h.exchange.dropNext(StreamEvent.PositionChanged.class, 1);
    h.exchange.closeExternally(BTC);
    h.store
        .faults()
        .failNext(InMemoryPositionStore.Op.CLOSE, new PersistenceException("database down"));
    // An entry whose answer is lost lands 12 s after it was sent; half a second before, a
    // reconciliation starts, and waits 2 s for its confirming snapshot of the phantom.
    Instant sent = h.clock.now();
    h.exchange.nextOrderLandsAfter(Duration.ofSeconds(12));
    assertThat(h.keeper.open(intent(DBR, PositionSide.SHORT, "20", "i-2")))
        .isInstanceOf(OpenResult.Failed.class);
    h.clock.schedule(
        Duration.between(h.clock.now(), sent.plus(Duration.ofMillis(11_500))), h.keeper::reconcile);
    while (h.clock.now().isBefore(sent.plus(Duration.ofSeconds(12)))) {
      h.clock.advance(Duration.ofMillis(500));
    }
    assertThat(h.exchange.positionSize(DBR).signum()).isNegative();

    seconds(4);

    assertThat(h.exchange.workingStops(DBR)).hasSize(1);
  }
}
