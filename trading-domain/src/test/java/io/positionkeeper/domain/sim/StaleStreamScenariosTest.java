package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static io.positionkeeper.domain.Harness.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a late stream says about the position before the current one on a symbol never ends the
 * current one, and a close asked for never names the end of a position its own stop closed (the
 * simulator's STREAM findings; the last two replay the simulator's own histories, as the roads to
 * them are long).
 */
class StaleStreamScenariosTest {
  private final Harness h = new Harness();

  private void markAt(String price) {
    h.exchange.setMarkPrice(BTC, new BigDecimal(price));
  }

  private PositionRecord row(long id) {
    return h.store.find(id).orElseThrow();
  }

  /** The violation, if any, of the simulator's history {@code seed} with STORE faults off. */
  private static java.util.Optional<Violation> replayWithoutStoreFaults(
      long seed, int steps, FakeExchange.Flavour flavour) {
    return new Simulation(
            new SimConfig(
                seed, steps, flavour, SimConfig.withoutSession6(SimConfig.FaultClass.STORE)))
        .run();
  }

  /** A short closed by the keeper and a long opened in the same instant while the stream lags. */
  private OpenResult.Opened shortClosedThenLongOpenedWhileTheStreamLags() {
    h.clock.advance(Duration.ofSeconds(1));
    markAt("65000");
    h.keeper.open(intent(BTC, PositionSide.SHORT, "300", "s-1"));
    h.clock.advance(Duration.ofSeconds(5));
    h.exchange.delayStream(Duration.ofMillis(2_300));
    markAt("65200.8");
    assertThat(h.keeper.close(key(BTC))).isInstanceOf(PositionCloser.CloseOutcome.Closed.class);
    var opened = (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "300", "l-1"));
    // The short's close events (its order's fill, the flat position) reach the keeper now.
    h.clock.advance(Duration.ofSeconds(3));
    h.exchange.delayStream(Duration.ZERO);
    return opened;
  }

  /**
   * Seed 161 (Binance, step 152): the delayed flat of the short made the book call the long flat,
   * and the long's row was closed EXTERNAL at the short's close price while the venue held it.
   */
  @Test
  void aStaleFlatOfThePreviousPosition_doesNotCloseTheNextOne() {
    var opened = shortClosedThenLongOpenedWhileTheStreamLags();

    PositionRecord longRow = row(opened.positionId());
    assertThat(longRow.status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(h.exchange.openPositions()).hasSize(1);
    Position inBook = h.book.get(key(BTC)).orElseThrow();
    assertThat(inBook.quantity()).isEqualByComparingTo(opened.quantity());
    assertThat(h.everyOpenPositionHasExactlyOneStop()).isTrue();
  }

  /**
   * The other half of seed 161: the short's close-order fill, arriving late, was taken as the
   * long's exit (any reduce-only fill counted). When the long is later closed by hand, its exit is
   * the hand close's fill, not the short's close order.
   */
  @Test
  void aLateCloseFillOfThePreviousPosition_isNotTheNextOnesExit() {
    var opened = shortClosedThenLongOpenedWhileTheStreamLags();
    h.clock.advance(Duration.ofSeconds(5));
    markAt("65400");

    h.exchange.closeExternally(BTC);
    h.clock.advance(Duration.ofSeconds(2));

    PositionRecord closed = row(opened.positionId());
    assertThat(closed.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(closed.closeReason()).contains(CloseReason.EXTERNAL);
    assertThat(closed.exitPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("65400"));
  }

  /**
   * A stale flat while the venue cannot be read: the row is not closed on the stream's word; the
   * book keeps the size, and the reconciliation owed at the next timer tick reads the venue.
   */
  @Test
  void aStaleFlatTheVenueCannotConfirm_leavesTheRowOpenForReconciliation() {
    h.clock.advance(Duration.ofSeconds(1));
    markAt("65000");
    h.keeper.open(intent(BTC, PositionSide.SHORT, "300", "s-1"));
    h.clock.advance(Duration.ofSeconds(5));
    h.exchange.delayStream(Duration.ofMillis(2_300));
    markAt("65200.8");
    h.keeper.close(key(BTC));
    var opened = (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "300", "l-1"));
    h.exchange
        .faults()
        .failNext(
            FakeExchange.Op.POSITIONS,
            new RetryableException("503 while the flat arrives"),
            FaultKnobs.When.BEFORE_EFFECT);
    h.clock.advance(Duration.ofMillis(2_400));
    h.exchange.delayStream(Duration.ZERO);

    assertThat(row(opened.positionId()).status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(h.book.get(key(BTC)).orElseThrow().quantity())
        .isEqualByComparingTo(opened.quantity());
    h.clock.advance(Duration.ofSeconds(70));
    assertThat(row(opened.positionId()).status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(h.everyOpenPositionHasExactlyOneStop()).isTrue();
  }

  /**
   * Seed 199 (Binance, step 934), replayed: with the stream held and reordered, a close was asked
   * for (its order's answer lost: "still on its way") and the position's own trailed stop closed it
   * meanwhile; the row was written MANUAL, the reason asked for, although the venue's fills give
   * the close to its stop. The stop's fill now decides.
   */
  @Test
  void seed199_aStopThatClosedThePositionWhileACloseWasAskedFor_isRecordedAsTheStops() {
    assertThat(replayWithoutStoreFaults(199, 935, FakeExchange.Flavour.BINANCE)).isEmpty();
  }

  /**
   * Seed 182 (Bybit, step 256), replayed: a close asked for on DBRUSDT was still on record (the
   * closer keeps the reason asked for under the symbol) when the position there was closed by its
   * own re-placed stop; the row was written MANUAL. The stop's fill now decides.
   */
  @Test
  void seed182_aPositionClosedByItsOwnStopWhileACloseWasOnRecord_isRecordedAsTheStops() {
    assertThat(replayWithoutStoreFaults(182, 257, FakeExchange.Flavour.BYBIT)).isEmpty();
  }

  /**
   * Seed 892 (Bybit, step 301), replayed: a close asked for an earlier position on BTCUSDT stayed
   * on record under the symbol (that position's row was ended by reconciliation, not by the
   * closer), and the next position there, closed by hand, was recorded MANUAL. A reason asked for
   * is now kept under the row it was asked for.
   */
  @Test
  void seed892_aCloseAskedForAnEarlierPosition_doesNotNameTheNextOnesEnd() {
    assertThat(replayWithoutStoreFaults(892, 302, FakeExchange.Flavour.BYBIT)).isEmpty();
  }
}
