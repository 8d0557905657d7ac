package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.PositionSide;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * I3 waits for the venue to be quiet: a step that changed the venue (a mark that fired a stop, a
 * stop the keeper moved) starts the quiet period again, because the keeper may still be catching up
 * through its own retries. The check must still catch a row the keeper never catches up on.
 */
class QuietPeriodCheckTest {

  @Test
  void aRowLeftOpenAfterItsPositionClosed_isCaughtOnceTheVenueWasQuietForThePeriod() {
    SimWorld w = new SimWorld();
    Invariants invariants = new Invariants(w);
    assertThat(w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    // The store never takes the close: the row stays ACTIVE while the venue is flat.
    w.store
        .faults()
        .failAlways(InMemoryPositionStore.Op.CLOSE, new PersistenceException("store down"));
    w.exchange.closeExternally(BTC);
    invariants.notQuiet();

    Optional<Violation> early = Optional.empty();
    for (int step = 0; step < 20 && early.isEmpty(); step++) {
      w.clock.advance(Duration.ofSeconds(10));
      early = invariants.check(step);
    }
    assertThat(early).as("the keeper's retries still have their time").isEmpty();

    w.clock.advance(Invariants.QUIET);
    assertThat(invariants.check(21))
        .hasValueSatisfying(
            v -> assertThat(v.kind()).isEqualTo(Violation.Kind.I3_ROW_WITHOUT_POSITION));
  }

  /**
   * Seed 3000911 (Binance): a trailing move in a calm mark step whose {@code recordStop} met a
   * store outage; the keeper's memory named the new stop and the next reconciliation wrote it, but
   * I3 checked the row in that very step. The row has {@link Invariants#RECORD_WINDOW} to follow; a
   * row that never names the venue's stop is still caught.
   */
  @Test
  void aMovedStopTheRowNeverNames_isCaughtOnceItsRecordingHadItsTime() {
    SimWorld w = new SimWorld();
    Invariants invariants = new Invariants(w);
    w.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    assertThat(w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    w.clock.advance(Invariants.QUIET);
    assertThat(invariants.check(0)).isEmpty();
    // The store never takes the stop: neither the move's write nor reconciliation's.
    w.store
        .faults()
        .failAlways(InMemoryPositionStore.Op.RECORD_STOP, new PersistenceException("store down"));
    String before = w.exchange.workingStops(BTC).get(0).clientId().value();

    w.exchange.setMarkPrice(BTC, new BigDecimal("67000"));
    assertThat(w.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.clientId().value()).isNotEqualTo(before));
    assertThat(invariants.check(1)).as("the row has its time to follow the move").isEmpty();

    w.clock.advance(Invariants.RECORD_WINDOW);
    assertThat(invariants.check(2))
        .hasValueSatisfying(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.I3_ROW_DIFFERS));
  }

  /**
   * Seed 5001437 (Binance): the venue's size grew by an entry that landed late, and the updates of
   * the row that a history had planned to fail (many steps before, for an operation seldom called)
   * met the stream's write and then one reconciliation after another through a quiet stretch: I3
   * checked the row while the store was still refusing it. A planned fault that strikes starts the
   * quiet period again; a store that refuses for good is still caught.
   */
  @Test
  void plannedStoreFaultsMeetingOneReconciliationAfterAnother_postponeTheCheck() {
    SimWorld w = new SimWorld();
    Invariants invariants = new Invariants(w);
    long id = grownWhileTheRowCannotFollow(w, invariants);
    for (int i = 0; i < 6; i++) {
      w.store
          .faults()
          .failNext(InMemoryPositionStore.Op.UPDATE_POSITION, new PersistenceException("db"));
    }
    doubledWithoutATrade(w, invariants);

    for (int step = 1; step <= 72; step++) {
      w.clock.advance(Duration.ofSeconds(10));
      assertThat(invariants.check(step)).as("step %d", step).isEmpty();
    }
    assertThat(w.store.faults().plannedStruck()).isEqualTo(6);
    assertThat(w.store.find(id).orElseThrow().quantity()).isEqualByComparingTo("0.030");
  }

  @Test
  void aStoreThatRefusesTheRowForGood_isStillCaughtAfterTheQuietPeriod() {
    SimWorld w = new SimWorld();
    Invariants invariants = new Invariants(w);
    grownWhileTheRowCannotFollow(w, invariants);
    w.store
        .faults()
        .failAlways(InMemoryPositionStore.Op.UPDATE_POSITION, new PersistenceException("down"));
    doubledWithoutATrade(w, invariants);

    w.clock.advance(Invariants.QUIET);
    assertThat(invariants.check(1))
        .hasValueSatisfying(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.I3_ROW_DIFFERS));
  }

  /** The venue's long grows to 0.030 without a trade of the keeper's (an entry landing late). */
  private static void doubledWithoutATrade(SimWorld w, Invariants invariants) {
    w.exchange.seedPosition(
        BTC,
        new BigDecimal("0.030"),
        new BigDecimal("65000"),
        w.exchange.openingOrderId(BTC, PositionSide.LONG));
    invariants.notQuiet();
  }

  /** A long of 0.015 BTC at 65,000, quiet and checked clean; returns its row's id. */
  private static long grownWhileTheRowCannotFollow(SimWorld w, Invariants invariants) {
    w.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    var opened = (OpenResult.Opened) w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    w.clock.advance(Invariants.QUIET);
    assertThat(invariants.check(0)).isEmpty();
    assertThat(opened.quantity()).isEqualByComparingTo("0.015");
    return opened.positionId();
  }
}
