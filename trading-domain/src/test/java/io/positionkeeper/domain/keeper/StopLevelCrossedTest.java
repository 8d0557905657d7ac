package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The venue's refusal of a stop that would trigger at once ({@link StopWouldTriggerException}) says
 * its mark is already beyond the level asked for: the position is past that stop. A trailing move
 * so refused means the rule has fired; a first stop so refused means the position is already beyond
 * its stop. Either way the position is closed at market, never asked again and again.
 */
class StopLevelCrossedTest {
  private final Harness h = new Harness();

  private StopOrder openLong() {
    assertThat(h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    h.clock.advance(Duration.ofSeconds(2));
    return h.exchange.workingStops(BTC).get(0);
  }

  private static StopWouldTriggerException wouldTrigger() {
    return new StopWouldTriggerException("-2021", "Order would immediately trigger.");
  }

  private List<MarketOrderRequest> closeOrders() {
    return h.exchange.orderRequests().stream().filter(MarketOrderRequest::reduceOnly).toList();
  }

  private PositionRecord row() {
    assertThat(h.store.all()).hasSize(1);
    return h.store.all().get(0);
  }

  @Test
  void aTrailingMoveRefusedAsACrossing_closesAtMarketOnce_asATrailingStop() {
    openLong();
    // The venue's mark leads the keeper's: the level the new peak asks for is already behind it.
    h.exchange.faults().failAlways(FakeExchange.Op.MOVE_STOP, wouldTrigger());
    int movesBefore = h.exchange.faults().calls(FakeExchange.Op.MOVE_STOP);

    h.exchange.setMarkPrice(BTC, new BigDecimal("65000")); // activates: the stop should go up
    h.clock.advance(Duration.ofSeconds(60));

    assertThat(h.exchange.faults().calls(FakeExchange.Op.MOVE_STOP) - movesBefore).isEqualTo(1);
    assertThat(closeOrders()).hasSize(1);
    assertThat(h.exchange.positionSize(BTC).signum()).isZero();
    assertThat(h.exchange.workingStops(BTC)).isEmpty();
    assertThat(row().status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row().closeReason()).contains(CloseReason.TRAILING_STOP);
    assertThat(h.types()).contains("TRAILING_TRIGGERED").doesNotContain("EMERGENCY_CLOSE");
  }

  @Test
  void aCrossingWhoseExitFails_keepsTheOldStop_andRetriesTheExitWithBackoff_notTheMove() {
    StopOrder first = openLong();
    h.exchange.faults().failAlways(FakeExchange.Op.MOVE_STOP, wouldTrigger());
    h.exchange
        .faults()
        .failAlways(FakeExchange.Op.PLACE_ORDER, new RetryableException("503 service unavailable"));
    int movesBefore = h.exchange.faults().calls(FakeExchange.Op.MOVE_STOP);

    h.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    h.clock.advance(Duration.ofSeconds(120));

    // The old stop guards the position the whole time; the move the venue refused is not asked
    // again, the exit is (1, 1, 1, 2, 4, 8, 16, 30 s apart, where every tick would be about 20).
    assertThat(h.exchange.positionSize(BTC).signum()).isPositive();
    assertThat(h.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo(first.triggerPrice()));
    assertThat(h.exchange.faults().calls(FakeExchange.Op.MOVE_STOP) - movesBefore).isEqualTo(1);
    long exits = h.journal.types().stream().filter("TRAILING_TRIGGERED"::equals).count();
    assertThat(exits).as("exits at market tried in 120 s").isBetween(3L, 12L);

    h.exchange.faults().clear(FakeExchange.Op.PLACE_ORDER);
    h.clock.advance(Duration.ofSeconds(31));
    assertThat(h.exchange.positionSize(BTC).signum()).isZero();
    assertThat(h.exchange.workingStops(BTC)).isEmpty();
    assertThat(row().closeReason()).contains(CloseReason.TRAILING_STOP);
  }

  @Test
  void aFirstStopRefusedAsACrossing_closesThePositionAtMarket() {
    h.exchange.faults().failNext(FakeExchange.Op.PLACE_STOP, wouldTrigger());

    var result = h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(result).isInstanceOf(OpenResult.Failed.class);
    assertThat(h.exchange.faults().calls(FakeExchange.Op.PLACE_STOP))
        .as("a crossing is not asked again")
        .isEqualTo(1);
    assertThat(closeOrders()).hasSize(1);
    assertThat(h.exchange.positionSize(BTC).signum()).isZero();
    assertThat(h.exchange.workingStops(BTC)).isEmpty();
    assertThat(row().closeReason()).contains(CloseReason.EMERGENCY);
  }

  @Test
  void aReplacementStopTheMarkAlreadyCrossed_closesThePositionAtMarket() {
    StopOrder first = openLong();
    // The stop cancelled by hand and the mark past its level before the keeper's next tick: the
    // fake venue itself refuses the replacement at the row's level as triggering at once.
    h.exchange.cancelStopExternally(first.clientId());
    h.exchange.setMarkPrice(BTC, first.triggerPrice().subtract(new BigDecimal("100")));
    int placesBefore = h.exchange.faults().calls(FakeExchange.Op.PLACE_STOP);

    h.clock.advance(Duration.ofSeconds(10));

    assertThat(h.exchange.faults().calls(FakeExchange.Op.PLACE_STOP) - placesBefore)
        .as("a crossing is not asked again")
        .isEqualTo(1);
    assertThat(closeOrders()).hasSize(1);
    assertThat(h.exchange.positionSize(BTC).signum()).isZero();
    assertThat(h.exchange.workingStops(BTC)).isEmpty();
    assertThat(row().closeReason()).contains(CloseReason.EMERGENCY);
  }
}
