package io.positionkeeper.domain.trailing;

import static io.positionkeeper.domain.trailing.TrailingFixture.SYM;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrailingStopManagerTest {
  private final TrailingPolicy policy =
      new TrailingPolicy(
          new BigDecimal("0.1"),
          Duration.ofSeconds(2),
          Duration.ofSeconds(30),
          new BigDecimal("0.5"),
          new TrailingParams(new BigDecimal("1"), new BigDecimal("1")));
  private final TrailingFixture f = new TrailingFixture(PositionSide.LONG, "100", "1", "1", policy);

  @Test
  void belowTheActivationPrice_nothingMoves() {
    f.tick("100.5", 5000);
    f.tick("100.9", 5000);

    assertThat(f.state().status()).isEqualTo(TrailingStatus.INACTIVE);
    assertThat(f.exchange.workingStops(SYM))
        .extracting(StopOrder::triggerPrice)
        .containsExactly(new BigDecimal("90.00"));
  }

  @Test
  void aNewPeakAboveActivation_movesTheExchangeStop_byCancelAndReplace_andRecordsIt() {
    f.tick("102", 5000);

    assertThat(f.state().status()).isEqualTo(TrailingStatus.ACTIVE);
    assertThat(f.exchange.workingStops(SYM))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("100.98")); // 102 × 0.99
    assertThat(f.positions.find(f.positionId).orElseThrow().stopPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("100.98"));
    assertThat(f.store.find(f.positionId).orElseThrow().updateCount()).isEqualTo(1);
    assertThat(f.journal.types()).contains("TRAILING_ACTIVATED", "STOP_MOVED");
  }

  @Test
  void movesWithinTheMinimumInterval_coalesce_andTheNewestIsAppliedByTheTimer() {
    f.tick("102", 5000); // first move
    f.tick("103", 500);
    f.tick("104", 500);
    f.tick("105", 500); // three improvements inside 2 s: held back

    assertThat(f.exchange.workingStops(SYM))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("100.98"));
    f.clock.advance(Duration.ofMillis(600));
    f.manager.onTimer();

    assertThat(f.exchange.workingStops(SYM))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("103.95"));
    assertThat(f.state().updateCount()).isEqualTo(2); // not four: no backlog
  }

  @Test
  void anImprovementSmallerThanTheMinimumStep_doesNotMoveTheStop() {
    f.tick("102", 5000);
    f.tick("102.05", 5000); // stop would improve by 0.05, below 0.1 % of 100.98

    assertThat(f.state().updateCount()).isEqualTo(1);
  }

  @Test
  void theStopNeverLoosens_whenThePriceFalls() {
    f.tick("105", 5000);
    f.tick("104", 5000);
    f.tick("104.5", 5000);

    assertThat(f.exchange.workingStops(SYM))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("103.95"));
  }

  @Test
  void crossingTheTrailingLevelLocally_sendsNothing_theExchangeStopCloses() {
    f.tick("105", 5000);
    int ordersBefore = f.exchange.orderRequests().size();

    f.tick("103.9", 5000);

    assertThat(f.state().status()).isEqualTo(TrailingStatus.ACTIVE); // only the venue ends it
    assertThat(f.exits).isEmpty();
    assertThat(f.exchange.orderRequests()).hasSize(ordersBefore);
    assertThat(f.exchange.positionSize(SYM)).isZero(); // the exchange stop at 103.95 fired
  }

  @Test
  void aFailedMove_keepsTheOldStop_andIsRetriedByTheTimer() {
    f.exchange.faults().failNext(FakeExchange.Op.MOVE_STOP, new RetryableException("503"));

    f.tick("102", 5000);
    assertThat(f.exchange.workingStops(SYM))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("90.00"));
    f.clock.advance(Duration.ofSeconds(1));
    f.manager.onTimer();

    assertThat(f.exchange.workingStops(SYM))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("100.98"));
  }

  @Test
  void theStateIsSavedWhenThePeakMovesEnough_evenWithoutAMove() {
    var inactive = new TrailingFixture(PositionSide.LONG, "100", "5", "1", policy);
    int saves = inactive.store.saveCount();

    inactive.tick("100.2", 1000); // +0.2 %: not yet
    assertThat(inactive.store.saveCount()).isEqualTo(saves);
    inactive.tick("100.6", 1000); // +0.6 % since the last save

    assertThat(inactive.store.saveCount()).isEqualTo(saves + 1);
    assertThat(inactive.store.find(inactive.positionId).orElseThrow().peak())
        .isEqualByComparingTo("100.6");
  }

  @Test
  void theStateIsSavedAtLeastEverySaveInterval_whenThePeakChanged() {
    var inactive = new TrailingFixture(PositionSide.LONG, "100", "5", "1", policy);
    int saves = inactive.store.saveCount();
    inactive.tick("100.1", 1000);

    inactive.clock.advance(Duration.ofSeconds(31));
    inactive.manager.onTimer();

    assertThat(inactive.store.saveCount()).isEqualTo(saves + 1);
  }

  @Test
  void aShortsStop_movesDown() {
    var s = new TrailingFixture(PositionSide.SHORT, "100", "1", "1", policy);

    s.tick("98", 5000);

    assertThat(s.exchange.workingStops(SYM))
        .singleElement()
        .satisfies(o -> assertThat(o.triggerPrice()).isEqualByComparingTo("98.98"));
  }

  @Test
  void recordingAMoveWhileTheStoreIsDown_isReported_andTheExchangeStopStands() {
    f.positions
        .faults()
        .failNext(InMemoryPositionStore.Op.RECORD_STOP, new PersistenceException("down"));

    f.tick("102", 5000);

    assertThat(f.exchange.workingStops(SYM))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("100.98"));
    assertThat(f.journal.types()).contains("OPERATION_FAILED");
  }

  @Test
  void aStopReplacedOutsideTheTrailingStop_isTheOneMovedNext() {
    f.tick("102", 5000); // the trailing stop moved the exchange stop to 100.98
    StopOrder cancelled = f.exchange.workingStops(SYM).getFirst();
    f.exchange.cancelStopExternally(cancelled.clientId());
    StopOrder replaced =
        f.exchange.placeStopLoss(
            new StopLossRequest(
                SYM,
                PositionSide.LONG,
                new BigDecimal("99.00"),
                ClientOrderId.of("pks-replaced-1")));
    var position =
        Position.active(
            f.positionId,
            new PositionKey(Exchange.BINANCE, SYM),
            PositionSide.LONG,
            BigDecimal.TEN,
            new BigDecimal("100"),
            ClientOrderId.of("pko-trailing"),
            Optional.of(replaced.clientId()),
            Phase.ACTIVE,
            f.clock.now());

    f.manager.onStopPlaced(position, f.positionId, replaced);
    // The state keeps the trader's level (a restart asks for it again); the row names the 99.00.
    assertThat(f.manager.stateOf(f.positionId).flatMap(s -> s.currentStop()))
        .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("100.98"));
    f.clock.advance(Duration.ofSeconds(3));
    f.manager
        .onTimer(); // the trailing level (100.98) is tighter than the replacement: move it back up

    assertThat(f.exchange.workingStops(SYM))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("100.98"));
  }

  @Test
  void aStopPlacedForAnUntrackedPosition_startsTrailingWithTheDefaults() {
    var position =
        Position.active(
            42,
            new PositionKey(Exchange.BINANCE, Symbol.of("ADOPTUSDT")),
            PositionSide.SHORT,
            BigDecimal.ONE,
            new BigDecimal("50"),
            ClientOrderId.of("pka-42"),
            Optional.empty(),
            Phase.ACTIVE,
            f.clock.now());
    StopOrder stop =
        new StopOrder(
            Symbol.of("ADOPTUSDT"),
            ClientOrderId.of("pks-a-1"),
            Optional.empty(),
            PositionSide.SHORT,
            new BigDecimal("51"),
            StopStatus.WORKING);

    f.manager.onStopPlaced(position, 42, stop);

    assertThat(f.manager.stateOf(42))
        .hasValueSatisfying(
            s -> {
              assertThat(s.callbackRate())
                  .isEqualByComparingTo(policy.defaults().callbackPercent());
              assertThat(s.activationPrice()).isEqualByComparingTo("49.5"); // 50 − 1 %
              assertThat(s.currentStop()).contains(new BigDecimal("51"));
            });
    assertThat(f.store.find(42)).isPresent();
  }
}
