package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.DBR;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.RejectedException;
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
 * A call of an opening that throws outside the ports' taxonomy (a driver's bug) after its effect,
 * found by the simulator's OUTAGE and UNEXPECTED classes together (the CI plan's "2 stops each
 * placed as a new stop", all on Binance): the opening took the call for one without effect and
 * rolled back; the order endpoint was down, so the rollback's close was refused and it kept the
 * position with a stop of its own, beside the one the opening, or reconciliation, had placed.
 */
class OpeningDriverBugScenariosTest {
  private final Harness raw = new Harness();
  private final UnexpectedFaults bugs = new UnexpectedFaults();
  private final Keeper keeper;

  OpeningDriverBugScenariosTest() {
    keeper = raw.keeperOver(bugs.gateway(raw.exchange), bugs.store(raw.store));
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

  /**
   * Seed 35 (Binance, step 139): the row's INSERT committed and its driver threw; the periodic
   * reconciliation, run during the rollback's close retries, found the committed row, which nobody
   * knew of, without a stop and placed one; the rollback then placed its own.
   */
  @Test
  void anInsertThatThrewABugAfterItsCommit_isReadBack_andTheOpeningGoesOn() {
    bugs.armStore(InMemoryPositionStore.Op.INSERT, FaultKnobs.When.AFTER_EFFECT);

    OpenResult result = keeper.open(intent(DBR, PositionSide.SHORT, "20", "i-1"));

    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    assertThat(working()).as("stops right after the opening").hasSize(1);
    assertOneStopNamedByTheRow();
  }

  @Test
  void anInsertWhoseCommitCannotBeReadBack_rollsBackWithOneStop_notTwo() {
    bugs.armStore(InMemoryPositionStore.Op.INSERT, FaultKnobs.When.AFTER_EFFECT);
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

  /**
   * Seed 859 (Binance, step 35; and 319, 629, 671, 907): the opening's stop landed and the driver
   * then threw reading the venue's answer. The opening took it for a failure of its own and rolled
   * back; the close was refused (order endpoint down), so the rollback kept the position and placed
   * a stop, beside the one that had landed.
   */
  @Test
  void aStopThatLandedBeforeItsDriverThrew_isFoundOnTheVenue_notPlacedAgain() {
    bugs.armVenue(FakeExchange.Op.PLACE_STOP, FaultKnobs.When.AFTER_EFFECT);

    OpenResult result = keeper.open(intent(DBR, PositionSide.SHORT, "20", "i-1"));

    assertThat(working()).as("stops right after the opening (%s)", result).hasSize(1);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    assertOneStopNamedByTheRow();
  }

  @Test
  void aStopWhoseDriverThrewBeforeSendingIt_isPlacedWithTheNextAttempt() {
    bugs.armVenue(FakeExchange.Op.PLACE_STOP, FaultKnobs.When.BEFORE_EFFECT);

    OpenResult result = keeper.open(intent(DBR, PositionSide.SHORT, "20", "i-1"));

    assertThat(working()).as("stops right after the opening (%s)", result).hasSize(1);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    assertOneStopNamedByTheRow();
  }

  /**
   * Seed 228 (Bybit, step 834): the row's INSERT was refused, the rollback's close too (order
   * endpoint down), so the rollback kept the position with a stop of its own and left it to
   * reconciliation, which adopted it; reading the stops to record that stop threw a driver's bug
   * (here: the store refuses to record it), and the next run cancelled the stop as an orphan (not
   * one of the adopted row's ids) while it was the only one protecting the position.
   */
  @Test
  void aRollbacksLeftoverStop_protectsThePositionReconciliationAdopts_andIsNotCancelled() {
    raw.store
        .faults()
        .failNext(
            InMemoryPositionStore.Op.INSERT,
            new RejectedException("23514", "check constraint refused the row"));

    OpenResult result = keeper.open(intent(DBR, PositionSide.SHORT, "20", "i-1"));

    assertThat(result).isInstanceOf(OpenResult.Failed.class);
    assertThat(working()).as("stops right after the opening (%s)", result).hasSize(1);
    raw.exchange.faults().endFailAfter(FakeExchange.Op.PLACE_ORDER);
    // The adoption cannot record the stop it finds (in the seed, reading the stops threw).
    raw.store
        .faults()
        .failNext(InMemoryPositionStore.Op.RECORD_STOP, new PersistenceException("store outage"));
    keeper.reconcile();
    assertThat(raw.store.loadOpen()).as("adopted").hasSize(1);
    assertThat(working()).as("stops after the adoption").hasSize(1);
    assertOneStopNamedByTheRow();
  }

  /**
   * Seeds 124 and 748 (Bybit, I5_STOP_LOOSENED): a rolled-back opening kept its fill with a stop of
   * its own and left it to reconciliation (streams down, so not adopted yet); the trader's next
   * intent on the symbol found the book empty and opened: its entry added to the venue's position
   * and its opening stop replaced the tighter one guarding it.
   */
  @Test
  void anIntentOnASymbolWhosePositionAwaitsAdoption_isRefused_andSendsNothing() {
    raw.store
        .faults()
        .failNext(
            InMemoryPositionStore.Op.INSERT,
            new RejectedException("23514", "check constraint refused the row"));
    OpenResult first = keeper.open(intent(DBR, PositionSide.SHORT, "20", "i-1"));
    assertThat(first).isInstanceOf(OpenResult.Failed.class);
    List<StopOrder> kept = working();
    assertThat(kept).hasSize(1);
    var size = raw.exchange.positionSize(DBR);
    raw.exchange.faults().endFailAfter(FakeExchange.Op.PLACE_ORDER);

    OpenResult second = keeper.open(intent(DBR, PositionSide.SHORT, "20", "i-2"));

    assertThat(second).isInstanceOf(OpenResult.Refused.class);
    assertThat(raw.exchange.positionSize(DBR)).isEqualByComparingTo(size);
    assertThat(working()).isEqualTo(kept);
  }
}
