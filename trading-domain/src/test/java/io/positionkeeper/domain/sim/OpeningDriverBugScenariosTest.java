package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.DBR;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The row's INSERT of an opening committed and its driver then threw (a bug outside the ports'
 * taxonomy), found by the simulator's OUTAGE and UNEXPECTED classes together (seed 35, Binance,
 * step 139, and eight more seeds of the CI plan): the opening took the row for never written and
 * rolled back; the order endpoint was down, so the rollback's close was refused and it kept the
 * position with a stop of its own, while the periodic reconciliation, run during the close's
 * retries, had found the committed row without a stop and placed a second one.
 */
class OpeningDriverBugScenariosTest {
  private final Harness raw = new Harness();
  private final UnexpectedFaults bugs = new UnexpectedFaults();
  private final Keeper keeper;

  OpeningDriverBugScenariosTest() {
    keeper =
        Keeper.builder(raw.clock, bugs.store(raw.store), raw.trailingStore)
            .venue(bugs.gateway(raw.exchange), raw.exchange)
            .audit(raw.sink)
            .io(Runnable::run)
            .build();
    raw.keeper.stop();
    keeper.start();
    bugs.armStore(InMemoryPositionStore.Op.INSERT, FaultKnobs.When.AFTER_EFFECT);
    // The order endpoint goes down after the entry: any close at market is refused.
    raw.exchange
        .faults()
        .failAfter(FakeExchange.Op.PLACE_ORDER, 1, new RetryableException("order endpoint 503"));
    // The periodic reconciliation falls due while the opening is under way.
    raw.clock.advance(Duration.ofSeconds(59));
  }

  private List<StopOrder> working() {
    return raw.exchange.workingStops(DBR);
  }

  private void assertOneStopNamedByTheRow() {
    for (int i = 0; i < 3; i++) {
      raw.clock.advance(Duration.ofSeconds(61));
      keeper.reconcile();
      assertThat(working()).as("stops after reconciliation %s", i + 1).hasSize(1);
    }
    assertThat(raw.store.loadOpen())
        .singleElement()
        .satisfies(row -> assertThat(row.stopClientId()).contains(working().get(0).clientId()));
  }

  @Test
  void anInsertThatThrewABugAfterItsCommit_isReadBack_andTheOpeningGoesOn() {
    OpenResult result = keeper.open(intent(DBR, PositionSide.SHORT, "20", "i-1"));

    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    assertThat(working()).as("stops right after the opening").hasSize(1);
    assertOneStopNamedByTheRow();
  }

  @Test
  void anInsertWhoseCommitCannotBeReadBack_rollsBackWithOneStop_notTwo() {
    // The store goes down after the opening checked its intent is new: the row cannot be read
    // back, so whether it was written stays unknown.
    raw.store
        .faults()
        .failAfter(
            InMemoryPositionStore.Op.FIND_BY_ENTRY_ORDER,
            1,
            new PersistenceException("store outage"));

    OpenResult result = keeper.open(intent(DBR, PositionSide.SHORT, "20", "i-1"));

    assertThat(result).isInstanceOf(OpenResult.Failed.class);
    assertThat(raw.exchange.openPositions()).as("the close was refused").hasSize(1);
    assertThat(working()).as("stops right after the opening (%s)", result).hasSize(1);
    raw.exchange.faults().endFailAfter(FakeExchange.Op.PLACE_ORDER);
    raw.store.faults().endFailAfter(InMemoryPositionStore.Op.FIND_BY_ENTRY_ORDER);
    assertOneStopNamedByTheRow();
  }
}
