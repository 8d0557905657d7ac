package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Findings of the simulator's STORE fault class (store calls that fail, commits whose answer is
 * lost after the write), each the shortest history that showed it. The store behaves as PostgreSQL
 * does: a commit whose answer was lost is written.
 */
class StoreFaultScenariosTest {
  private final SimWorld w = new SimWorld();
  private final PositionKey btc = new PositionKey(Exchange.BINANCE, BTC);

  private void openLong() {
    assertThat(w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "first")))
        .isInstanceOf(OpenResult.Opened.class);
  }

  /** The row is closed, the book let the position go, and a new position opens on the symbol. */
  private void assertClosedAndTheSymbolOpensAgain() {
    assertThat(w.store.all())
        .singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(PositionStatus.CLOSED));
    assertThat(w.keeper.book().get(btc)).isEmpty();
    assertThat(w.keeper.open(intent(BTC, PositionSide.SHORT, "1000", "next")))
        .isInstanceOf(OpenResult.Opened.class);
  }

  /**
   * An entry whose answer is lost lands 20 s after its open gave up; the store's next insert fails.
   */
  private void aLateEntry_andTheNextInsertFails(FaultKnobs.When when, PortException e) {
    w.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    w.exchange.nextOrderLandsAfter(Duration.ofSeconds(20));
    assertThat(w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "late")))
        .isInstanceOf(OpenResult.Failed.class);
    w.store.faults().failNext(InMemoryPositionStore.Op.INSERT, e, when);
    w.clock.advance(Duration.ofSeconds(20));
    assertThat(w.exchange.positionSize(BTC)).isPositive();
    w.clock.advance(Duration.ofSeconds(8));
  }

  private void loseTheNextCloseCommit() {
    w.store
        .faults()
        .failNext(
            InMemoryPositionStore.Op.CLOSE,
            new OutcomeUnknownException("commit outcome lost"),
            FaultKnobs.When.AFTER_EFFECT);
  }

  /**
   * Seeds 551 and 722: a position the venue closed while the keeper did not see it (its events
   * lost) was closed by reconciliation as a phantom, and that close's commit answer was lost. The
   * row was closed, so no later run found it again, but the book kept the position ACTIVE for good:
   * every new open on the symbol was refused as "already open".
   */
  @Test
  void aPhantomCloseWhoseCommitAnswerWasLost_letsThePositionGo_andTheSymbolOpensAgain() {
    openLong();
    w.exchange.dropNext(StreamEvent.PositionChanged.class, 5);
    w.exchange.dropNext(StreamEvent.OrderChanged.class, 5);
    w.exchange.dropNext(StreamEvent.StopChanged.class, 5);
    w.exchange.closeExternally(BTC);
    loseTheNextCloseCommit();

    w.keeper.reconcile();
    w.clock.advance(Duration.ofSeconds(2));
    w.keeper.reconcile();
    w.clock.advance(Duration.ofSeconds(5));

    assertClosedAndTheSymbolOpensAgain();
  }

  /**
   * The same lost commit on the closer's own write (the position closed by hand, the flat seen on
   * the stream): the retry of the owed close was refused for ever (the row is closed already) and
   * the book held the position, so the symbol could not open again.
   */
  @Test
  void anOwedCloseWhoseCommitAnswerWasLost_isSettled_andTheSymbolOpensAgain() {
    openLong();
    loseTheNextCloseCommit();
    w.exchange.closeExternally(BTC);

    w.clock.advance(Duration.ofSeconds(5));

    assertClosedAndTheSymbolOpensAgain();
  }

  /**
   * Seeds 224, 592, 606, 678, 774 (Bybit) and 703 (Binance): an entry whose answer was lost landed
   * after its open gave up; the reconciliation the stream's news brought forward could not adopt it
   * (the store refused the insert), and the run counted as done: nothing re-ran it until the
   * periodic reconciliation, a minute later, while the position had no stop.
   */
  @Test
  void aLateEntryWhoseAdoptionTheStoreRefused_isAdoptedAndProtectedWithinSeconds() {
    aLateEntry_andTheNextInsertFails(
        FaultKnobs.When.BEFORE_EFFECT, new PersistenceException("store outage"));

    assertThat(w.exchange.workingStops(BTC)).hasSize(1);
    assertThat(w.store.loadOpen())
        .singleElement()
        .satisfies(r -> assertThat(r.symbol()).isEqualTo(BTC));
  }

  /**
   * Seed 503 (Binance, 402 steps): a late entry was adopted, but the adoption's insert lost its
   * commit answer after the write. The row existed, so no later run adopted it again, and the book
   * never held it: the keeper could not close it ("no stored position") and a stop cancelled by
   * hand went unnoticed until the periodic reconciliation (16.5 s without a stop).
   */
  @Test
  void anAdoptionWhoseInsertAnswerWasLost_isHeldByTheKeeper_andClosesOnRequest() {
    aLateEntry_andTheNextInsertFails(
        FaultKnobs.When.AFTER_EFFECT, new OutcomeUnknownException("commit outcome lost"));
    assertThat(w.store.loadOpen()).hasSize(1);
    assertThat(w.exchange.workingStops(BTC)).hasSize(1);

    assertThat(w.keeper.book().get(btc)).isPresent();
    assertThat(w.keeper.close(btc)).isInstanceOf(PositionCloser.CloseOutcome.Closed.class);
    assertThat(w.exchange.positionSize(BTC)).isZero();
  }

  /**
   * Seed 3000594 (Bybit, I1, 15.5 s without a stop): an entry in doubt landed while a later open on
   * the symbol was rolling back (its {@code recordStop} commit answer was lost, and the venue
   * rate-limited the rollback's stop cancel). The rollback's close took only its own fill, so the
   * late size stayed on the venue with no stop and no row; its landing was not news because the
   * book held the symbol then, so only the periodic reconciliation, up to a minute later, adopted
   * it.
   */
  @Test
  void anEntryThatLandsWhileALaterOpenRollsBack_isProtectedWithinSeconds() {
    w.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    w.exchange.nextOrderLandsAfter(Duration.ofMillis(5_000));
    assertThat(w.keeper.open(intent(BTC, PositionSide.SHORT, "300", "in-doubt")))
        .isInstanceOf(OpenResult.Failed.class);
    // A keeper that remembers the entry in doubt refuses the next open on the symbol until the
    // venue settles it; one restarted in between has forgotten it.
    w.restart();
    w.store
        .faults()
        .failNext(
            InMemoryPositionStore.Op.RECORD_STOP,
            new OutcomeUnknownException("commit outcome lost"),
            FaultKnobs.When.AFTER_EFFECT);
    w.exchange
        .faults()
        .failNext(
            FakeExchange.Op.CANCEL_STOP,
            new RateLimitedException("429", Duration.ofSeconds(1)),
            FaultKnobs.When.BEFORE_EFFECT);

    assertThat(w.keeper.open(intent(BTC, PositionSide.SHORT, "1000", "rolled-back")))
        .isInstanceOf(OpenResult.Failed.class);
    assertThat(w.exchange.positionSize(BTC)).isNotZero();
    assertThat(w.exchange.workingStops(BTC)).isEmpty();
    w.clock.advance(Duration.ofSeconds(5));

    assertThat(w.exchange.workingStops(BTC)).hasSize(1);
    assertThat(w.store.loadOpen())
        .singleElement()
        .satisfies(
            r -> assertThat(r.quantity()).isEqualByComparingTo(w.exchange.positionSize(BTC).abs()));
  }

  /**
   * Seeds 5000912, 5000954 and 5002736 (Bybit, I5_STOP_LOOSENED): a trailing amend landed on the
   * venue but the store refused both writes of its level (the move's and the settlement's), so
   * neither the row nor the trailing state held it. The trailing state had saved a higher peak
   * whose own moves had failed; after a restart that peak's level looked like a tightening of the
   * row's stale level, and the keeper amended the venue's stop back down (seed 5002736: 67444.8 to
   * 67260.9).
   */
  @Test
  void anAmendWhoseLevelTheStoreRefused_isNeverLoosenedByARestart() {
    SimWorld bybit = new SimWorld(FakeExchange.Flavour.BYBIT);
    bybit.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    OpenIntent intent = intent(Exchange.BYBIT, BTC, PositionSide.LONG, "1000", "trailed");
    assertThat(bybit.keeper.open(intent)).isInstanceOf(OpenResult.Opened.class);
    // A peak whose moves all fail is saved with the trailing state after a while.
    bybit.exchange.faults().failAlways(FakeExchange.Op.MOVE_STOP, new RetryableException("503"));
    bybit.exchange.setMarkPrice(BTC, new BigDecimal("67000"));
    bybit.clock.advance(Duration.ofSeconds(70));
    bybit.exchange.faults().clear(FakeExchange.Op.MOVE_STOP);
    bybit
        .store
        .faults()
        .failTimes(
            InMemoryPositionStore.Op.RECORD_STOP, 2, new PersistenceException("store outage"));

    bybit.exchange.setMarkPrice(BTC, new BigDecimal("68000"));
    BigDecimal reached = bybit.exchange.workingStops(BTC).get(0).triggerPrice();
    assertThat(reached).isGreaterThan(new BigDecimal("67000"));
    bybit.restart();
    bybit.clock.advance(Duration.ofSeconds(5));

    assertThat(bybit.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isGreaterThanOrEqualTo(reached));
  }
}
