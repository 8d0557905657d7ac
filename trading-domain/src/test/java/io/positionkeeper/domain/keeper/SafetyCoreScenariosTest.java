package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static io.positionkeeper.domain.Harness.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The combinations of faults a hostile review proved broke the keeper's promises, each replayed
 * through the keeper's one assembly on the fakes. BTC long at 64,000: stop-loss 2 % (62,720),
 * trailing activation 1.5 % (64,960), callback 0.5 %, tick 0.1.
 */
class SafetyCoreScenariosTest {
  private final Harness h = new Harness();

  private OpenResult.Opened openBtc() {
    return (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
  }

  private void mark(String price, long afterMillis) {
    h.clock.advance(Duration.ofMillis(afterMillis));
    h.exchange.setMarkPrice(BTC, new BigDecimal(price));
  }

  private PositionRecord row(long id) {
    return h.store.find(id).orElseThrow();
  }

  // 1 ------------------------------------------------------------------------------------------

  @Test
  void trailingMoveHeldBackByTheInterval_thenTheLevelIsCrossed_closesAtMarketAsTheRuleSays() {
    var opened = openBtc();
    mark("65000", 1_000); // activates; the first move goes out at once: stop 64675
    mark("66000", 500); // new peak: the stop wants 65670, held back by the 2 s interval
    assertThat(h.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("64675"));

    mark("65600", 100); // crosses the rule's level (65670) while the venue's stop is at 64675

    assertThat(h.exchange.positionSize(BTC)).isZero();
    PositionRecord row = row(opened.positionId());
    assertThat(row.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row.closeReason()).contains(CloseReason.TRAILING_STOP);
    assertThat(row.exitPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("65600"));
    assertThat(h.exchange.allStops()).noneMatch(s -> s.status().isFinal() == false);
    assertThat(h.types()).contains("TRAILING_TRIGGERED");
  }

  @Test
  void aTrailingStateSavedAsTriggered_trailsAgainAfterARestart() {
    var opened = openBtc();
    mark("65000", 1_000);
    var saved = h.trailingStore.find(opened.positionId()).orElseThrow();
    h.trailingStore.save(triggered(saved)); // as the old code left it
    h.keeper.stop();

    Keeper restarted = restart();
    h.clock.advance(Duration.ofSeconds(5));
    h.exchange.setMarkPrice(BTC, new BigDecimal("66000"));

    assertThat(restarted.trailing(h.exchange.exchange()).stateOf(opened.positionId()))
        .hasValueSatisfying(s -> assertThat(s.status()).isEqualTo(TrailingStatus.ACTIVE));
    assertThat(h.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("65670"));
  }

  // 2 ------------------------------------------------------------------------------------------

  @Test
  void reconciliationWhileTheOpenerRetriesItsStop_placesNoSecondStop() {
    h.exchange.faults().failNext(FakeExchange.Op.PLACE_STOP, new RetryableException("503"));
    // Runs inside the opener's backoff after the 503: the row exists, no stop works yet.
    h.clock.schedule(Duration.ofMillis(10), h.keeper::reconcile);

    var opened = openBtc();

    assertThat(h.exchange.allStops()).hasSize(1);
    assertThat(h.everyOpenPositionHasExactlyOneStop()).isTrue();
    assertThat(row(opened.positionId()).stopClientId())
        .contains(h.exchange.allStops().get(0).clientId());
  }

  // 3 ------------------------------------------------------------------------------------------

  @Test
  void recordingTheStopFails_andClosingTheFillFails_theStopStays_andTheRowStaysActive() {
    h.store
        .faults()
        .failNext(
            InMemoryPositionStore.Op.RECORD_STOP,
            new RejectedException("23514", "check constraint refused the stop"));
    h.exchange
        .faults()
        .failAfter(FakeExchange.Op.PLACE_ORDER, 1, new RejectedException("-1008", "overloaded"));

    var failed = (OpenResult.Failed) h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(failed.cleanlyRolledBack()).isFalse();
    assertThat(h.exchange.positionSize(BTC)).isEqualByComparingTo("0.015");
    assertThat(h.everyOpenPositionHasExactlyOneStop()).isTrue();
    assertThat(h.store.loadOpen())
        .singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(PositionStatus.ACTIVE));
    assertThat(h.book.get(key(BTC)))
        .hasValueSatisfying(p -> assertThat(p.phase()).isEqualTo(Phase.ACTIVE));
  }

  @Test
  void theInsertFails_andClosingTheFillFails_thePositionIsLeftUnderOneStopForReconciliation() {
    h.store
        .faults()
        .failNext(
            InMemoryPositionStore.Op.INSERT,
            new RejectedException("23514", "check constraint refused the row"));
    h.exchange
        .faults()
        .failAfter(FakeExchange.Op.PLACE_ORDER, 1, new RejectedException("-1008", "overloaded"));

    h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    h.exchange.faults().clear(FakeExchange.Op.PLACE_ORDER);
    h.keeper.reconcile();

    assertThat(h.everyOpenPositionHasExactlyOneStop()).isTrue();
    assertThat(h.store.loadOpen())
        .singleElement()
        .satisfies(r -> assertThat(r.stopClientId()).isPresent());
  }

  // 4 ------------------------------------------------------------------------------------------

  @Test
  void anIntentRetriedAfterItsOpenFailed_isRefused_andNeverOpensAGhost() {
    h.exchange
        .faults()
        .failNext(FakeExchange.Op.PLACE_STOP, new RejectedException("-2021", "would trigger"));
    var first = h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    assertThat(first).isInstanceOf(OpenResult.Failed.class);
    int ordersBefore = h.exchange.orderRequests().size();

    var again = h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(again).isInstanceOf(OpenResult.Refused.class);
    assertThat(((OpenResult.Refused) again).reason()).contains("already sent its entry order");
    assertThat(h.exchange.orderRequests()).hasSize(ordersBefore);
    assertThat(h.store.loadOpen()).isEmpty();
    assertThat(h.exchange.workingStops(BTC)).isEmpty();
  }

  // 5 ------------------------------------------------------------------------------------------

  @Test
  void aStoreThrowingAnUnexpectedException_stillRollsBack() {
    Harness raw = new Harness();
    Keeper keeper = raw.keeperOver(raw.exchange, new ThrowingOnInsert(raw.store));

    var failed = (OpenResult.Failed) keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    // The insert threw before writing: read back by its entry order, the row is not there, so the
    // opening is rolled back as one whose row could not be stored.
    assertThat(failed.stage()).isEqualTo("PERSIST");
    assertThat(failed.reason()).contains("unexpected");
    assertThat(raw.exchange.positionSize(BTC)).isZero();
    assertThat(raw.exchange.workingStops(BTC)).isEmpty();
    assertThat(keeper.positions()).isEmpty();
  }

  @Test
  void aVenueRefusalWithABlankMessage_stillRollsBack_andTheTrailSaysWhy() {
    h.exchange.faults().failNext(FakeExchange.Op.PLACE_ORDER, new RejectedException("-1000", ""));

    var result = h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(result).isInstanceOf(OpenResult.Failed.class);
    assertThat(h.book.all()).isEmpty();
    assertThat(h.types()).contains("AUDIT_FAILED");
  }

  // 6 ------------------------------------------------------------------------------------------

  @Test
  void aCloseTheStoreMissed_isWrittenLaterWithTheVenuesExit_neverAsAPhantom() {
    var opened = openBtc();
    h.store.faults().failNext(InMemoryPositionStore.Op.CLOSE, new PersistenceException("down"));

    mark("62700", 100); // the venue's stop fills at 62,700
    assertThat(row(opened.positionId()).status()).isEqualTo(PositionStatus.ACTIVE);
    h.keeper.reconcile();

    PositionRecord row = row(opened.positionId());
    assertThat(row.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row.closeReason()).contains(CloseReason.STOP_LOSS);
    assertThat(row.exitPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("62700"));
    assertThat(row.realizedPnl())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("-19.5"));
  }

  // 7 ------------------------------------------------------------------------------------------

  @Test
  void aSecondClose_neverReusesAnIdAndNeverClosesTheRowWhileTheVenueHoldsTheRest() {
    var opened = openBtc();
    h.exchange.fillNextPartially(new BigDecimal("0.5"));

    var first = h.keeper.close(key(BTC));

    assertThat(first).isInstanceOf(PositionCloser.CloseOutcome.StillOpen.class);
    assertThat(row(opened.positionId()).status()).isNotEqualTo(PositionStatus.CLOSED);

    var second = h.keeper.close(key(BTC));

    assertThat(second).isInstanceOf(PositionCloser.CloseOutcome.Closed.class);
    assertThat(h.exchange.positionSize(BTC)).isZero();
    assertThat(row(opened.positionId()).status()).isEqualTo(PositionStatus.CLOSED);
    List<ClientOrderId> closeIds =
        h.exchange.orderRequests().stream()
            .filter(r -> r.reduceOnly())
            .map(r -> r.clientOrderId())
            .toList();
    assertThat(closeIds).hasSize(2).doesNotHaveDuplicates();
  }

  // 8 ------------------------------------------------------------------------------------------

  @Test
  void afterARestart_theFirstActivationNeverAsksTheVenueForInstrumentRules() {
    var opened = openBtc();
    h.keeper.stop();
    Keeper restarted = restart();
    int before = h.exchange.faults().calls(FakeExchange.Op.INSTRUMENTS);
    h.exchange.faults().failAlways(FakeExchange.Op.INSTRUMENTS, new RetryableException("503"));

    mark("65000", 1_000);

    assertThat(h.exchange.faults().calls(FakeExchange.Op.INSTRUMENTS)).isEqualTo(before);
    assertThat(restarted.trailing(h.exchange.exchange()).stateOf(opened.positionId()))
        .hasValueSatisfying(
            s ->
                assertThat(s.currentStop())
                    .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("64675")));
  }

  // 9 ------------------------------------------------------------------------------------------

  @Test
  void anInsertWhoseCommitOutcomeIsUnknownButLanded_isReadBack_andTheOpenGoesOn() {
    h.store
        .faults()
        .failNext(
            InMemoryPositionStore.Op.INSERT,
            new OutcomeUnknownException("connection lost during commit"),
            FaultKnobs.When.AFTER_EFFECT);

    var opened = openBtc();

    assertThat(h.store.all()).singleElement();
    assertThat(row(opened.positionId()).status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(h.exchange.positionSize(BTC)).isEqualByComparingTo("0.015");
    assertThat(h.everyOpenPositionHasExactlyOneStop()).isTrue();
  }

  @Test
  void anInsertWhoseCommitOutcomeIsUnknownAndDidNotLand_rollsTheVenueBack() {
    h.store.faults().failNext(InMemoryPositionStore.Op.INSERT, new OutcomeUnknownException("lost"));

    var failed = (OpenResult.Failed) h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(failed.stage()).isEqualTo("PERSIST");
    assertThat(failed.cleanlyRolledBack()).isTrue();
    assertThat(h.exchange.positionSize(BTC)).isZero();
    assertThat(h.store.all()).isEmpty();
  }

  // 10 -----------------------------------------------------------------------------------------

  @Test
  void aPositionClosedByItsTrailedStop_isRecordedAsTrailingStop() {
    var opened = openBtc();
    mark("65000", 1_000); // the stop moves to 64675

    mark("64600", 5_000); // the moved stop fires on the venue

    PositionRecord row = row(opened.positionId());
    assertThat(row.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row.closeReason()).contains(CloseReason.TRAILING_STOP);
  }

  // ------------------------------------------------------------------------------------------

  /** A new keeper on the same stores and venue: memory dropped, as a restarted process. */
  private Keeper restart() {
    Keeper keeper =
        Keeper.builder(h.clock, h.store, h.trailingStore)
            .venue(h.exchange, h.exchange)
            .audit(h.sink)
            .io(Runnable::run)
            .build();
    keeper.start();
    return keeper;
  }

  /** A store whose insert fails with an exception outside the port's taxonomy. */
  static final class ThrowingOnInsert implements PositionStore {
    private final PositionStore delegate;

    ThrowingOnInsert(PositionStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public long insert(NewPosition position, AuditRecord created) {
      throw new IllegalStateException("driver bug");
    }

    @Override
    public Optional<PositionRecord> find(long id) {
      return delegate.find(id);
    }

    @Override
    public Optional<PositionRecord> findByEntryOrder(ClientOrderId entryClientOrderId) {
      return delegate.findByEntryOrder(entryClientOrderId);
    }

    @Override
    public List<PositionRecord> loadOpen() {
      return delegate.loadOpen();
    }

    @Override
    public void updatePosition(
        long id, PositionSide side, BigDecimal quantity, BigDecimal entryPrice, AuditRecord event) {
      delegate.updatePosition(id, side, quantity, entryPrice, event);
    }

    @Override
    public void recordStop(
        long id, ClientOrderId stopClientId, BigDecimal stopPrice, AuditRecord event) {
      delegate.recordStop(id, stopClientId, stopPrice, event);
    }

    @Override
    public void markClosing(long id, AuditRecord event) {
      delegate.markClosing(id, event);
    }

    @Override
    public void close(long id, PositionClose close, AuditRecord event) {
      delegate.close(id, close, event);
    }

    @Override
    public void markRolledBack(long id, String reason, AuditRecord event) {
      delegate.markRolledBack(id, reason, event);
    }
  }

  /** The state as a keeper that ended trailing locally on a crossed level saved it. */
  private static TrailingStopState triggered(TrailingStopState s) {
    return new TrailingStopState(
        s.positionId(),
        s.symbol(),
        s.side(),
        s.entryPrice(),
        s.activationPrice(),
        s.callbackRate(),
        TrailingStatus.TRIGGERED,
        s.peak(),
        s.currentStop(),
        s.updateCount(),
        s.activatedAt(),
        s.lastMovedAt(),
        s.lastSavedPeak(),
        s.lastSavedAt());
  }
}
