package io.positionkeeper.domain.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.position.PositionId;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcilerTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Symbol ETH = Symbol.of("ETHUSDT");
  private static final Symbol DBR = Symbol.of("DBRUSDT");

  @TempDir Path dir;
  private ReconcileFixture f;

  @BeforeEach
  void venue() {
    f = new ReconcileFixture(dir, Exchange.BINANCE);
    f.instrument(BTC, "0.10", "0.001", "64000");
    f.instrument(ETH, "0.01", "0.001", "3000");
    f.instrument(DBR, "0.000001", "1", "0.012345");
  }

  @AfterEach
  void close() {
    f.close();
  }

  private long phantomBtc() {
    return f.storedPosition(BTC, PositionSide.LONG, "0.015", "64000", "62720", false);
  }

  private PositionRecord row(long id) {
    return f.store.find(id).orElseThrow();
  }

  private List<AuditRecord> recordsOfType(String type) {
    return f.trail().stream().filter(r -> r.type().equals(type)).toList();
  }

  // ------------------------------------------------------------------ when it refuses

  @Test
  void disconnected_refusesToRun_andClosesNothing() {
    long id = phantomBtc();
    f.exchange.disconnect("socket closed");

    var result = f.reconciler().reconcile();

    assertThat(result)
        .isInstanceOfSatisfying(
            ReconcileResult.Refused.class,
            r -> assertThat(r.reason()).contains("DISCONNECTED").contains("not RESYNCED"));
    assertThat(row(id).status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(f.book.get(f.key(BTC))).isPresent();
    assertThat(f.exchange.faults().calls(FakeExchange.Op.POSITIONS)).isZero();
  }

  @Test
  void streamsDownLongerThanBlindAfter_reconcileByRestAlone() {
    long id = phantomBtc();
    f.exchange.disconnect("socket closed");
    f.clock.advance(ReconcilePolicy.standard().blindAfter().minusSeconds(1));
    assertThat(f.reconciler().reconcile()).isInstanceOf(ReconcileResult.Refused.class);
    f.clock.advance(Duration.ofSeconds(1));

    var result = f.reconciler().reconcile();

    // Nothing stream-borne is needed to see a phantom: two complete snapshots agree.
    assertThat(result).isInstanceOf(ReconcileResult.Completed.class);
    assertThat(row(id).status()).isEqualTo(PositionStatus.CLOSED);
  }

  @Test
  void aReconnectWhileReadingBlind_refusesToRun_theResyncBringsItsOwnRun() {
    long id = phantomBtc();
    f.exchange.resyncOnConnect(false);
    f.exchange.disconnect("socket closed");
    f.clock.advance(ReconcilePolicy.standard().blindAfter());
    f.exchange.faults().delay(FakeExchange.Op.POSITIONS, Duration.ofMillis(800));
    f.clock.schedule(Duration.ofMillis(400), f.exchange::reconnect);

    var result = f.reconciler().reconcile();

    assertThat(result)
        .isInstanceOfSatisfying(
            ReconcileResult.Refused.class,
            r -> assertThat(r.reason()).contains("connection changed while reading"));
    assertThat(row(id).status()).isEqualTo(PositionStatus.ACTIVE);
  }

  @Test
  void connectedButNotYetResynced_refusesToRun() {
    long id = phantomBtc();
    f.exchange.resyncOnConnect(false);
    f.exchange.disconnect("blip");
    f.exchange.reconnect();

    var result = f.reconciler().reconcile();

    assertThat(result)
        .isInstanceOfSatisfying(
            ReconcileResult.Refused.class, r -> assertThat(r.reason()).contains("CONNECTED"));
    assertThat(row(id).status()).isEqualTo(PositionStatus.ACTIVE);
  }

  @Test
  void anIncompleteSnapshot_refusesToRun_andClosesNothing() {
    long id = phantomBtc();
    f.exchange.nextSnapshotIncomplete("page 2 of 2 timed out");

    var result = f.reconciler().reconcile();

    assertThat(result)
        .isInstanceOfSatisfying(
            ReconcileResult.Refused.class,
            r -> assertThat(r.reason()).contains("incomplete").contains("page 2 of 2 timed out"));
    assertThat(row(id).status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(f.trailing.stopped).isEmpty();
  }

  @Test
  void anIncompleteConfirmingSnapshot_refusesToRun_andClosesNothing() {
    long id = phantomBtc();
    // The first snapshot is complete; the confirming one, taken after the delay, is not.
    f.clock.schedule(
        Duration.ofSeconds(1), () -> f.exchange.nextSnapshotIncomplete("rate limited page"));

    var result = f.reconciler().reconcile();

    assertThat(result).isInstanceOf(ReconcileResult.Refused.class);
    assertThat(row(id).status()).isEqualTo(PositionStatus.ACTIVE);
  }

  @Test
  void aSnapshotThatKeepsFailing_refusesToRun_andClosesNothing() {
    long id = phantomBtc();
    f.exchange.faults().failAlways(FakeExchange.Op.POSITIONS, new RetryableException("503"));

    var result = f.reconciler().reconcile();

    assertThat(result)
        .isInstanceOfSatisfying(
            ReconcileResult.Refused.class,
            r -> assertThat(r.reason()).contains("reading the exchange's positions failed"));
    assertThat(row(id).status()).isEqualTo(PositionStatus.ACTIVE);
  }

  @Test
  void aReconnectWhileReading_refusesToRun_becauseTheSnapshotMayBeStale() {
    long id = phantomBtc();
    f.exchange.faults().delay(FakeExchange.Op.POSITIONS, Duration.ofMillis(800));
    f.clock.schedule(
        Duration.ofMillis(400),
        () -> {
          f.exchange.disconnect("blip");
          f.exchange.reconnect();
        });

    var result = f.reconciler().reconcile();

    assertThat(result)
        .isInstanceOfSatisfying(
            ReconcileResult.Refused.class,
            r -> assertThat(r.reason()).contains("connection changed while reading"));
    assertThat(f.monitor.isReady()).isTrue(); // ready again, but not the generation it started in
    assertThat(row(id).status()).isEqualTo(PositionStatus.ACTIVE);
  }

  // ------------------------------------------------------------------ phantoms

  @Test
  void aPhantomConfirmedByTwoSnapshots_isClosedAsPhantom_trailingRemoved_bookCleared() {
    long id = phantomBtc();

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.count(ReconcileAction.ClosePhantom.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(1);
    PositionRecord closed = row(id);
    assertThat(closed.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(closed.closeReason()).contains(CloseReason.PHANTOM);
    assertThat(f.trailing.stopped).containsExactly(id);
    assertThat(f.trailingStore.find(id)).isEmpty();
    assertThat(f.book.get(f.key(BTC))).isEmpty();
    assertThat(f.journal.recordsOf(id)).extracting(AuditRecord::type).endsWith("POSITION_CLOSED");
    assertThat(f.journal.recordsOf(id).getLast().payload()).containsEntry("reason", "PHANTOM");
    assertThat(f.exchange.faults().calls(FakeExchange.Op.POSITIONS)).isEqualTo(2);
  }

  @Test
  void aPositionMissingFromOneSnapshotButPresentOnTheSecond_isNotClosed() {
    long id = phantomBtc();
    // The venue's first answer misses BTC (a lagging replica); it is back by the confirmation.
    f.clock.schedule(
        Duration.ofSeconds(1),
        () ->
            f.exchange.seedPosition(
                BTC,
                new BigDecimal("0.015"),
                new BigDecimal("64000"),
                Optional.of(ExchangeOrderId.of("77"))));

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.actions()).noneMatch(ReconcileAction.ClosePhantom.class::isInstance);
    assertThat(row(id).status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(f.book.get(f.key(BTC))).isPresent();
    assertThat(f.trailing.stopped).isEmpty();
  }

  @Test
  void aRowClosedBetweenTheReadAndTheClose_isSkipped_notAnError() {
    long id = phantomBtc();
    // Another path closes the row while reconciliation waits for the confirming snapshot.
    f.clock.schedule(
        Duration.ofSeconds(1),
        () ->
            f.store.close(
                id,
                new io.positionkeeper.ports.model.PositionClose(
                    new BigDecimal("64000"), BigDecimal.ZERO, CloseReason.EXTERNAL, f.clock.now()),
                f.audit.toRecord(
                    new io.positionkeeper.domain.audit.AuditEvent.PositionClosed(
                        io.positionkeeper.domain.audit.Subject.of(
                            f.book.get(f.key(BTC)).orElseThrow()),
                        CloseReason.EXTERNAL,
                        new BigDecimal("64000"),
                        BigDecimal.ZERO))));

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.count(ReconcileAction.ClosePhantom.class, ActionOutcome.Status.SKIPPED))
        .isEqualTo(1);
    assertThat(result.errors()).isZero();
    assertThat(row(id).closeReason()).contains(CloseReason.EXTERNAL);
  }

  // ------------------------------------------------------------------ dry run

  @Test
  void aDryRun_returnsThePlan_andChangesNothing() {
    long id = phantomBtc();
    f.exchange.seedPosition(
        ETH, new BigDecimal("-2"), new BigDecimal("3000"), Optional.of(ExchangeOrderId.of("91")));
    var pending =
        f.book.preRegister(f.key(DBR), PositionSide.LONG, ClientOrderId.of("pko-dbrusdt-1"));
    f.clock.advance(Duration.ofMinutes(5));
    int writesBefore = f.store.writes().size();
    List<String> trailBefore = f.types();

    var result = (ReconcileResult.Completed) f.reconciler().dryRun();

    assertThat(result.dryRun()).isTrue();
    assertThat(result.outcomes())
        .allMatch(o -> o.status() == ActionOutcome.Status.PLANNED)
        .extracting(o -> o.action().describe())
        .containsExactly(
            "remove pending BINANCE:DBRUSDT (pko-dbrusdt-1) from the book: registered 302 s ago", // 5 min + the 2 s confirm delay
            "close phantom #" + id + " BTCUSDT LONG 0.015: absent from two complete snapshots",
            "adopt missing ETHUSDT SHORT 2 @ 3000 with its real opening order id, then protect it");
    assertThat(f.store.writes()).hasSize(writesBefore);
    assertThat(row(id).status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(f.book.get(f.key(DBR)).map(p -> p.id())).contains(pending.id());
    assertThat(f.book.get(f.key(BTC))).isPresent();
    assertThat(f.exchange.allStops()).isEmpty();
    assertThat(f.exchange.orderRequests()).isEmpty();
    assertThat(f.exchange.faults().calls(FakeExchange.Op.OPENING_ORDER)).isZero();
    assertThat(f.types()).isEqualTo(trailBefore);
    assertThat(f.trailing.stopped).isEmpty();
  }

  // ------------------------------------------------------------------ mismatches and stops

  @Test
  void aSizeMismatch_theRowAndTheBookFollowTheExchange_withAnEvent() {
    long id = f.storedPosition(BTC, PositionSide.LONG, "0.015", "64000", "62720", true);
    // Part of it was closed by hand while the stream was down.
    f.exchange.disconnect("down");
    f.exchange.seedPosition(
        BTC,
        new BigDecimal("0.010"),
        new BigDecimal("64000"),
        Optional.of(ExchangeOrderId.of("1")));
    f.exchange.reconnect();

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.count(ReconcileAction.FollowExchange.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(1);
    assertThat(row(id).quantity()).isEqualByComparingTo("0.010");
    assertThat(f.book.get(f.key(BTC)).orElseThrow().quantity()).isEqualByComparingTo("0.010");
    assertThat(f.journal.recordsOf(id).getLast())
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("POSITION_UPDATED");
              assertThat(r.payload()).containsEntry("source", "reconcile");
              assertThat(r.payload()).containsEntry("quantity", "0.01");
            });
  }

  @Test
  void aStopCancelledByHand_isPlacedAgainAtTheRecordedPrice_andRecorded() {
    long id = f.storedPosition(BTC, PositionSide.LONG, "0.015", "64000", "62720", true);
    f.exchange.cancelStopExternally(ClientOrderId.of("pks-btcusdt-1"));
    assertThat(f.exchange.workingStops(BTC)).isEmpty();

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.count(ReconcileAction.ReplaceStop.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(1);
    StopOrder working = f.exchange.workingStops(BTC).getFirst();
    assertThat(f.exchange.workingStops(BTC)).hasSize(1);
    assertThat(working.triggerPrice()).isEqualByComparingTo("62720");
    assertThat(row(id).stopClientId()).contains(working.clientId());
    assertThat(f.book.get(f.key(BTC)).orElseThrow().stopId()).contains(working.clientId());
    assertThat(f.trailing.stopsPlaced).containsExactly(id); // the trailing stop trails the new one
    assertThat(f.journal.recordsOf(id).getLast())
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("STOP_PLACED");
              assertThat(r.payload().get("context")).startsWith("replaced");
            });

    // The next run finds it protected and does nothing.
    var again = (ReconcileResult.Completed) f.reconciler().reconcile();
    assertThat(again.actions()).isEmpty();
    assertThat(again.inSync()).isEqualTo(1);
  }

  @Test
  void twoStopsOfOurs_afterACrashMidTrailingMove_theTighterStays_recorded_andTheOtherIsCancelled() {
    long id = f.storedPosition(BTC, PositionSide.LONG, "0.015", "64000", "62720", true);
    // The replacement was placed, the runner died before cancelling the stop it replaced.
    ClientOrderId moved = ClientOrderId.of("pkm-btcusdt-1-crash");
    f.exchange.setMarkPrice(BTC, new BigDecimal("65600"));
    f.exchange.placeStopLoss(
        new StopLossRequest(BTC, PositionSide.LONG, new BigDecimal("65272"), moved));

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.count(ReconcileAction.CancelExtraStop.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(1);
    assertThat(result.count(ReconcileAction.RecordWorkingStop.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(1);
    assertThat(f.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.clientId()).isEqualTo(moved);
              assertThat(s.triggerPrice()).isEqualByComparingTo("65272");
            });
    assertThat(row(id).stopClientId()).contains(moved);
    assertThat(row(id).stopPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("65272"));
    assertThat(f.book.get(f.key(BTC)).orElseThrow().stopId()).contains(moved);
    assertThat(f.trailing.stopsPlaced).containsExactly(id);
    assertThat(recordsOfType("STOP_CANCELLED"))
        .singleElement()
        .satisfies(r -> assertThat(r.payload().toString()).contains("pks-btcusdt-1"));

    var again = (ReconcileResult.Completed) f.reconciler().reconcile();
    assertThat(again.actions()).isEmpty();
  }

  @Test
  void aStopOfOursTheRowDoesNotName_afterACrashBeforeItsIdWasStored_isRecorded_notDoubled() {
    long id = f.storedPosition(BTC, PositionSide.LONG, "0.015", "64000", "62720", true);
    f.exchange.cancelStopExternally(ClientOrderId.of("pks-btcusdt-1"));
    ClientOrderId unrecorded = ClientOrderId.of("pkr-" + Long.toString(id, 36) + "-earlier");
    f.exchange.placeStopLoss(
        new StopLossRequest(BTC, PositionSide.LONG, new BigDecimal("62720"), unrecorded));

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.count(ReconcileAction.RecordWorkingStop.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(1);
    assertThat(result.count(ReconcileAction.ReplaceStop.class, ActionOutcome.Status.APPLIED))
        .isZero();
    assertThat(f.exchange.workingStops(BTC))
        .extracting(StopOrder::clientId)
        .containsExactly(unrecorded);
    assertThat(row(id).stopClientId()).contains(unrecorded);
  }

  @Test
  void aStopPlacedByHand_besideOurs_isNeverCancelled() {
    f.storedPosition(BTC, PositionSide.LONG, "0.015", "64000", "62720", true);
    ClientOrderId manual = ClientOrderId.of("web_8tq3xk2");
    f.exchange.placeStopLoss(
        new StopLossRequest(BTC, PositionSide.LONG, new BigDecimal("63500"), manual));

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.actions()).isEmpty();
    assertThat(f.exchange.workingStops(BTC))
        .extracting(StopOrder::clientId)
        .contains(manual, ClientOrderId.of("pks-btcusdt-1"));
  }

  @Test
  void aStopThatCannotBePlacedAgain_closesThePositionAtMarket() {
    long id = f.storedPosition(BTC, PositionSide.LONG, "0.015", "64000", "62720", true);
    f.exchange.cancelStopExternally(ClientOrderId.of("pks-btcusdt-1"));
    f.exchange.setMarkPrice(BTC, new BigDecimal("62000")); // below the stop: it would fire at once

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.outcomes())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.status()).isEqualTo(ActionOutcome.Status.FAILED);
              assertThat(o.detail()).contains("closed at market at 62000");
            });
    assertThat(f.exchange.openPositions()).isEmpty();
    assertThat(row(id).closeReason()).contains(CloseReason.EMERGENCY);
    assertThat(f.types()).contains("STOP_PLACEMENT_FAILED", "EMERGENCY_CLOSE");
  }

  @Test
  void aStopPlacementThatTimesOutButLanded_isFoundAndNotPlacedTwice() {
    f.storedPosition(BTC, PositionSide.LONG, "0.015", "64000", "62720", true);
    f.exchange.cancelStopExternally(ClientOrderId.of("pks-btcusdt-1"));
    f.exchange
        .faults()
        .failNext(
            FakeExchange.Op.PLACE_STOP,
            new io.positionkeeper.ports.OutcomeUnknownException("read timed out"),
            io.positionkeeper.ports.fake.FaultKnobs.When.AFTER_EFFECT);

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.errors()).isZero();
    assertThat(f.exchange.workingStops(BTC)).hasSize(1);
    // One placement by the fixture's opening, one by reconciliation: no second attempt.
    assertThat(f.exchange.faults().calls(FakeExchange.Op.PLACE_STOP)).isEqualTo(2);
  }

  // ------------------------------------------------------------------ missing positions

  @Test
  void aMissingPositionWithoutAnOpeningOrder_isNeverGivenAMadeUpId() {
    f.exchange.seedPosition(ETH, new BigDecimal("-2"), new BigDecimal("3000"), Optional.empty());
    Reconciler reconciler = f.reconciler();

    var result = (ReconcileResult.Completed) reconciler.reconcile();

    assertThat(result.count(ReconcileAction.AdoptMissing.class, ActionOutcome.Status.FAILED))
        .isEqualTo(1);
    assertThat(f.store.all()).isEmpty();
    assertThat(f.exchange.allStops()).isEmpty();
    assertThat(recordsOfType("MISSING_POSITION_FOUND"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.positionId()).isEmpty();
              assertThat(r.payload()).containsEntry("policy", "ADOPT_AND_PROTECT");
              assertThat(r.payload().get("detail")).contains("no opening order");
            });

    reconciler.reconcile(); // a second finding of the same thing is not recorded again
    assertThat(recordsOfType("MISSING_POSITION_FOUND")).hasSize(1);
  }

  @Test
  void underIgnore_aMissingPositionIsRecordedOnce_andLeftAlone() {
    f.exchange.seedPosition(
        ETH, new BigDecimal("-2"), new BigDecimal("3000"), Optional.of(ExchangeOrderId.of("91")));
    Reconciler reconciler =
        f.reconciler(ReconcilePolicy.standard().withMissing(MissingPositionPolicy.IGNORE));

    reconciler.reconcile();
    var second = (ReconcileResult.Completed) reconciler.reconcile();

    assertThat(second.outcomes())
        .singleElement()
        .satisfies(o -> assertThat(o.status()).isEqualTo(ActionOutcome.Status.SKIPPED));
    assertThat(f.store.all()).isEmpty();
    assertThat(f.exchange.positionSize(ETH)).isEqualByComparingTo("-2");
    assertThat(recordsOfType("MISSING_POSITION_FOUND"))
        .singleElement()
        .satisfies(r -> assertThat(r.payload()).containsEntry("policy", "IGNORE"));
  }

  @Test
  void underClose_aMissingPositionIsClosedWithAReduceOnlyMarketOrder() {
    f.exchange.seedPosition(
        ETH, new BigDecimal("-2"), new BigDecimal("3000"), Optional.of(ExchangeOrderId.of("91")));

    var result =
        (ReconcileResult.Completed)
            f.reconciler(ReconcilePolicy.standard().withMissing(MissingPositionPolicy.CLOSE))
                .reconcile();

    assertThat(result.count(ReconcileAction.CloseMissing.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(1);
    assertThat(f.exchange.positionSize(ETH)).isZero();
    assertThat(f.exchange.orderRequests())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.reduceOnly()).isTrue();
              assertThat(o.quantity()).isEqualByComparingTo("2");
            });
    assertThat(f.store.all()).isEmpty();
    assertThat(recordsOfType("MISSING_POSITION_FOUND"))
        .singleElement()
        .satisfies(r -> assertThat(r.payload()).containsEntry("policy", "CLOSE"));
  }

  // ------------------------------------------------------------------ pending registrations

  @Test
  void aFreshPendingRegistration_isNeitherAPhantomNorMissing_andIsLeftAlone() {
    var pending =
        f.book.preRegister(f.key(DBR), PositionSide.LONG, ClientOrderId.of("pko-dbrusdt-1"));
    f.exchange.seedPosition( // its fill has just landed on the exchange
        DBR,
        new BigDecimal("4050"),
        new BigDecimal("0.012345"),
        Optional.of(ExchangeOrderId.of("5")));

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.actions()).isEmpty();
    assertThat(f.book.get(f.key(DBR)).orElseThrow().id()).isEqualTo(pending.id());
    assertThat(f.store.writes()).isEmpty();
  }

  @Test
  void aStalePendingRegistration_leavesTheBook_withAnEventThatHasItsKeyAndNoId() {
    var pending =
        f.book.preRegister(f.key(DBR), PositionSide.LONG, ClientOrderId.of("pko-dbrusdt-1"));
    f.clock.advance(Duration.ofMinutes(3));

    var result = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(result.count(ReconcileAction.ExpirePending.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(1);
    assertThat(f.book.get(f.key(DBR))).isEmpty();
    assertThat(f.store.writes()).isEmpty();
    assertThat(recordsOfType("PENDING_EXPIRED"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.positionId()).isEmpty();
              assertThat(r.correlationKey()).isEqualTo(pending.id().correlationKey());
              assertThat(r.payload()).containsEntry("ageMs", "180000");
            });
    assertThat(pending.id()).isInstanceOf(PositionId.Pending.class);
  }

  @Test
  void aStoreFailureOnAPhantomClose_isAFailedAction_andTheRowStaysForTheNextRun() {
    long id = phantomBtc();
    f.store
        .faults()
        .failNext(
            InMemoryPositionStore.Op.CLOSE,
            new io.positionkeeper.ports.PersistenceException("connection refused"));

    var first = (ReconcileResult.Completed) f.reconciler().reconcile();
    var second = (ReconcileResult.Completed) f.reconciler().reconcile();

    assertThat(first.errors()).isEqualTo(1);
    assertThat(f.types()).contains("OPERATION_FAILED");
    assertThat(second.count(ReconcileAction.ClosePhantom.class, ActionOutcome.Status.APPLIED))
        .isEqualTo(1);
    assertThat(row(id).closeReason()).contains(CloseReason.PHANTOM);
  }
}
