package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * One scenario per defect the simulator found and the domain now fixes, each written as the
 * shortest history that showed it.
 */
class SimulatorFindingsTest {
  private final Harness h = new Harness();

  private void mark(String price) {
    h.clock.advance(Duration.ofSeconds(2));
    h.exchange.setMarkPrice(BTC, new BigDecimal(price));
  }

  /**
   * Seed 27 (binance, 668 steps): the trailing stop had moved up (its answer lost after the
   * effect), someone cancelled it by hand, and reconciliation re-protected at the row's first
   * level: the stop loosened by the whole trail.
   */
  @Test
  void aTrailedStopCancelledByHand_isReplacedAtTheTrailedLevel_notTheFirstOne() {
    var opened = (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    h.exchange
        .faults()
        .failNext(
            FakeExchange.Op.MOVE_STOP,
            new OutcomeUnknownException("timeout"),
            FaultKnobs.When.AFTER_EFFECT);
    mark("65500");
    mark("66000");
    mark("66000");
    StopOrder trailed = h.exchange.workingStops(BTC).get(0);
    assertThat(trailed.triggerPrice()).isGreaterThan(opened.stopPrice());

    h.exchange.cancelStopExternally(trailed.clientId());
    h.keeper.reconcile();

    List<StopOrder> working = h.exchange.workingStops(BTC);
    assertThat(working).hasSize(1);
    assertThat(working.get(0).triggerPrice()).isGreaterThanOrEqualTo(trailed.triggerPrice());
  }

  /**
   * Seed 462 (binance, 163 steps): a closed position's stop could not be cancelled (a timeout), a
   * new position opened on the symbol, and a restart dropped the closer's memory of the leftover:
   * reconciliation swept only flat symbols, so the old stop stayed beside the new one for good.
   */
  @Test
  void aStopLeftByAnEarlierPosition_isCancelledAfterARestart_besideTheNewOnesOwn() {
    SimWorld w = new SimWorld();
    PositionKey btc = new PositionKey(Exchange.BINANCE, BTC);
    w.keeper.open(intent(BTC, PositionSide.SHORT, "1000", "first"));
    w.exchange
        .faults()
        .failNext(FakeExchange.Op.CANCEL_STOP, new OutcomeUnknownException("timeout"));
    assertThat(w.keeper.close(btc)).isInstanceOf(PositionCloser.CloseOutcome.Closed.class);
    var second = (OpenResult.Opened) w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "next"));
    assertThat(w.exchange.workingStops(BTC)).hasSize(2);

    w.restart();
    w.clock.advance(Duration.ofSeconds(61));

    List<StopOrder> working = w.exchange.workingStops(BTC);
    assertThat(working).hasSize(1);
    assertThat(working.get(0).positionSide()).isEqualTo(PositionSide.LONG);
    assertThat(working.get(0).triggerPrice()).isEqualByComparingTo(second.stopPrice());
  }

  /**
   * Seed 43 (binance, 16 steps): the close order's fill event was lost and the trade history
   * answered 429 once; the flat event finalized the close without an exit, and the store refused
   * that close for ever (only a phantom's exit may be unknown): the row stayed CLOSING, retried
   * every second.
   */
  @Test
  void aCloseWhoseFillEventWasLost_isWrittenWithTheVenuesExit() {
    h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    h.exchange.dropNext(StreamEvent.OrderChanged.class, 1);
    h.exchange
        .faults()
        .failNext(FakeExchange.Op.EXIT_SINCE, new RateLimitedException("429", Duration.ZERO));

    var closed =
        (PositionCloser.CloseOutcome.Closed) h.keeper.close(new PositionKey(Exchange.BINANCE, BTC));
    h.clock.advance(Duration.ofSeconds(2));

    PositionRecord row = h.store.all().get(0);
    assertThat(row.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row.exitPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo(closed.exitPrice()));
  }

  /**
   * Seed 15 (binance, 201 steps): the stop filled, its order event was lost and the first trade
   * history read failed; the retried close found the exit but kept the reason it had guessed,
   * EXTERNAL, though the venue's history names the position's own stop.
   */
  @Test
  void aStopFillWhoseEventWasLost_isRecordedAsAStopLoss() {
    h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    h.exchange.dropNext(StreamEvent.OrderChanged.class, 1);
    h.exchange
        .faults()
        .failNext(FakeExchange.Op.EXIT_SINCE, new RateLimitedException("429", Duration.ZERO));

    mark("60000");
    h.clock.advance(Duration.ofSeconds(2));

    PositionRecord row = h.store.all().get(0);
    assertThat(row.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row.closeReason()).contains(CloseReason.STOP_LOSS);
  }

  /**
   * Binance flavour: a trailing move's cancel half failed and the venue could not be read to settle
   * it, leaving two stops; nothing removed the extra one. Reconciliation now keeps the tightest of
   * a position's own stops and cancels the rest.
   */
  @Test
  void aMoveWhoseCancelHalfFailed_leavesOneStopAfterReconciliation() {
    SimWorld w = new SimWorld(FakeExchange.Flavour.BINANCE);
    w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    w.exchange.faults().failNext(FakeExchange.Op.CANCEL_STOP, new RetryableException("503"));
    w.exchange.faults().failNext(FakeExchange.Op.OPEN_STOPS, new RetryableException("503"));
    w.clock.advance(Duration.ofSeconds(2));
    w.exchange.setMarkPrice(BTC, new BigDecimal("66000"));
    w.clock.advance(Duration.ofSeconds(2));
    assertThat(w.exchange.workingStops(BTC)).hasSize(2);
    BigDecimal tightest =
        w.exchange.workingStops(BTC).stream()
            .map(StopOrder::triggerPrice)
            .max(BigDecimal::compareTo)
            .orElseThrow();

    w.keeper.reconcile();

    assertThat(w.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo(tightest));
  }

  /**
   * Seed 9002675 (binance): a trailing move failed three times, then its cancel half timed out
   * after the new stop was placed; the settlement took the new stop, yet the move still counted as
   * a failure, so the failures "in a row" ran on past a move that had worked. Six minutes later a
   * single 429 on the next move was failure number five and waited 4 s instead of a timer tick: the
   * stop lagged the rule once the marks went quiet.
   */
  @Test
  void aMoveSettledAfterItsCancelHalfFailed_endsTheFailuresInARow() {
    SimWorld w = new SimWorld(FakeExchange.Flavour.BINANCE);
    w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    w.exchange.faults().failTimes(FakeExchange.Op.MOVE_STOP, 3, new RetryableException("503"));
    w.exchange
        .faults()
        .failNext(FakeExchange.Op.CANCEL_STOP, new OutcomeUnknownException("timeout"));
    w.clock.advance(Duration.ofSeconds(2));
    w.exchange.setMarkPrice(BTC, new BigDecimal("66000"));
    w.clock.advance(Duration.ofSeconds(10));
    assertThat(tightestStop(w)).isGreaterThanOrEqualTo(new BigDecimal("65600"));

    w.clock.advance(Duration.ofMinutes(5));
    w.exchange
        .faults()
        .failNext(
            FakeExchange.Op.MOVE_STOP, new RateLimitedException("429", Duration.ofSeconds(1)));
    w.exchange.setMarkPrice(BTC, new BigDecimal("67000"));
    w.clock.advance(Invariants.MOVE_CADENCE);

    // The rule's level for the peak 67000 at a 0.5 % callback: 66665.
    assertThat(tightestStop(w)).isGreaterThanOrEqualTo(new BigDecimal("66600"));
  }

  /**
   * Seed 9002675 (binance, as first seen on the session-9 branch): a trailing move placed its new
   * stop, its cancel half timed out and the row's write of the move failed; the book and the
   * trailing stop named the new stop, the row the old, looser one, both working. The new stop was
   * cancelled by hand before a reconciliation removed the old one: reconciliation saw the row's
   * stop working and did nothing, and the trailing stop took the cancelled stop for its own at the
   * rule's level, so it neither moved nor exited when the mark crossed that level.
   */
  @Test
  void aTrailedStopCancelledByHand_whileTheRowNamesTheOldOne_isExitedOnceTheMarkCrossesTheLevel() {
    SimWorld w = new SimWorld(FakeExchange.Flavour.BINANCE);
    w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    StopOrder first = w.exchange.workingStops(BTC).get(0);
    // The move's cancel half times out, and so does the settlement's cancel of the old stop.
    w.exchange
        .faults()
        .failNext(FakeExchange.Op.CANCEL_STOP, new OutcomeUnknownException("timeout"))
        .failNext(FakeExchange.Op.CANCEL_STOP, new OutcomeUnknownException("timeout"));
    w.store
        .faults()
        .failNext(InMemoryPositionStore.Op.RECORD_STOP, new PersistenceException("db down"));
    w.clock.advance(Duration.ofSeconds(2));
    w.exchange.setMarkPrice(BTC, new BigDecimal("66000"));
    w.clock.advance(Duration.ofSeconds(1));
    assertThat(w.exchange.workingStops(BTC)).hasSize(2);
    StopOrder trailed =
        w.exchange.workingStops(BTC).stream()
            .filter(s -> !s.clientId().equals(first.clientId()))
            .findFirst()
            .orElseThrow();

    w.exchange.cancelStopExternally(trailed.clientId());
    w.clock.advance(Duration.ofSeconds(2));
    // Through the trailed level (65670), still above the row's first stop (62720).
    w.exchange.setMarkPrice(BTC, new BigDecimal("65600"));
    w.clock.advance(Duration.ofSeconds(5));

    assertThat(w.exchange.positionSize(BTC).signum())
        .as(
            "closed at market once the mark crossed the trailed level; stops %s",
            w.exchange.workingStops(BTC))
        .isZero();
  }

  private static BigDecimal tightestStop(SimWorld w) {
    return w.exchange.workingStops(BTC).stream()
        .map(StopOrder::triggerPrice)
        .max(BigDecimal::compareTo)
        .orElseThrow();
  }

  /**
   * Seeds 800 and 820 (bybit): a trailing move's answer was lost after the venue amended the stop
   * in place (same id, new level). The settlement saw its own id still working and took the move
   * for not done, so the row and the state kept the old level; a restart then trailed from the old
   * peak, and the next, lower peak amended the stop back below the venue's level.
   */
  @Test
  void anAmendWhoseAnswerWasLost_isRecordedAtTheVenuesLevel_soARestartNeverLoosensIt() {
    SimWorld w = new SimWorld(FakeExchange.Flavour.BYBIT);
    w.keeper.open(
        new OpenIntent(
            Exchange.BYBIT,
            BTC,
            PositionSide.LONG,
            new BigDecimal("1000"),
            SizeUnit.QUOTE,
            new BigDecimal("2"),
            new TrailingParams(new BigDecimal("1.5"), new BigDecimal("0.5")),
            Optional.of("signal-i-1"),
            "i-1"));
    w.clock.advance(Duration.ofSeconds(2));
    w.exchange.setMarkPrice(BTC, new BigDecimal("65500")); // activates, saved, moved
    w.clock.advance(Duration.ofSeconds(3));
    w.exchange
        .faults()
        .failNext(
            FakeExchange.Op.MOVE_STOP,
            new OutcomeUnknownException("timeout"),
            FaultKnobs.When.AFTER_EFFECT);
    w.exchange.setMarkPrice(BTC, new BigDecimal("65800")); // amended, answer lost, peak not saved
    BigDecimal amended = w.exchange.workingStops(BTC).get(0).triggerPrice();

    w.restart();
    w.exchange.setMarkPrice(BTC, new BigDecimal("65650")); // above the saved peak, below the lost
    w.clock.advance(Duration.ofSeconds(3));

    assertThat(w.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isGreaterThanOrEqualTo(amended));
    assertThat(w.store.loadOpen().get(0).stopPrice())
        .hasValueSatisfying(p -> assertThat(p).isGreaterThanOrEqualTo(amended));
  }
}
