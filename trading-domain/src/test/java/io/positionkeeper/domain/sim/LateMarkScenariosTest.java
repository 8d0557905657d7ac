package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionSide;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Mark prices that reach the keeper out of the order the venue sent them in. */
class LateMarkScenariosTest {

  /**
   * Found while diagnosing seeds 4001341 (Binance) and 4001676 (Bybit), I5_STOP_BEHIND_RULE: marks
   * reordered on the way. The late peak raised the rule's level above the newest mark, so the rule
   * had fired; the keeper took the late peak for the price of the moment (the last mark to arrive),
   * tried to move the stop to the new level, and the venue refused it every second (the stop would
   * trigger at once). Marks stayed still: the position stayed open for minutes behind a stop looser
   * than the rule. The venue's time on each mark tells which is newest.
   */
  @Test
  void aLatePeakBeyondWhichTheNewestMarkAlreadyFell_closesThePositionAtMarket() {
    SimWorld w = new SimWorld();
    assertThat(w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "l-1")))
        .isInstanceOf(OpenResult.Opened.class);
    w.clock.advance(Duration.ofSeconds(5));
    w.exchange.setMarkPrice(BTC, new BigDecimal("65000")); // activates: the stop trails 0.5 %
    w.clock.advance(Duration.ofMinutes(1));

    w.exchange.holdStream();
    w.exchange.setMarkPrice(BTC, new BigDecimal("67000")); // the peak
    w.clock.advance(Duration.ofSeconds(1));
    w.exchange.setMarkPrice(BTC, new BigDecimal("66200")); // a second later, below 66665
    w.exchange.releaseHeldReversed(); // the newest mark arrives first, the peak after it
    w.clock.advance(Duration.ofMinutes(5)); // marks stay still

    assertThat(w.exchange.positionSize(BTC).signum()).isZero();
    assertThat(w.exchange.workingStops(BTC)).isEmpty();
  }

  /**
   * Seeds 4001341 (Binance) and 4001676 (Bybit), I5_STOP_BEHIND_RULE: two marks of the same instant
   * reordered on the way. No venue time orders them, so the keeper took the late peak for the price
   * of the moment; the level it calls for is above the venue's newest mark, and the venue refused
   * the move as a stop that would trigger at once. Marks then stood still, and the keeper asked
   * again and again while the position stayed behind a stop looser than the rule. The venue's
   * refusal is the news: its mark is beyond the rule's level, so the rule has fired and the
   * position is closed at market, once, as a trailing stop.
   */
  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void aLatePeakOfTheSameInstant_whoseMoveTheVenueRefusesAsACrossing_closesAtMarketOnce(
      FakeExchange.Flavour flavour) {
    SimWorld w = new SimWorld(flavour);
    OpenIntent onTheVenue = intent(w.exchange.exchange(), BTC, PositionSide.LONG, "1000", "l-1");
    assertThat(w.keeper.open(onTheVenue)).isInstanceOf(OpenResult.Opened.class);
    w.clock.advance(Duration.ofSeconds(5));
    w.exchange.setMarkPrice(BTC, new BigDecimal("65000")); // activates: the stop trails 0.5 %
    w.clock.advance(Duration.ofMinutes(1));
    int ordersBefore = w.exchange.orderRequests().size();

    w.exchange.holdStream();
    w.exchange.setMarkPrice(BTC, new BigDecimal("67000")); // the peak
    w.exchange.setMarkPrice(BTC, new BigDecimal("66200")); // the same instant, below 66665
    w.exchange.releaseHeldReversed(); // the newest mark arrives first, the peak after it
    int movesBefore = w.exchange.faults().calls(FakeExchange.Op.MOVE_STOP);
    w.clock.advance(Duration.ofMinutes(5)); // marks stay still

    assertThat(w.exchange.positionSize(BTC).signum()).isZero();
    assertThat(w.exchange.workingStops(BTC)).isEmpty();
    assertThat(w.exchange.orderRequests().subList(ordersBefore, w.exchange.orderRequests().size()))
        .as("close orders sent")
        .singleElement()
        .satisfies(o -> assertThat(o.reduceOnly()).isTrue());
    assertThat(w.exchange.faults().calls(FakeExchange.Op.MOVE_STOP) - movesBefore)
        .as("moves asked after the refusal's news")
        .isLessThanOrEqualTo(1);
    assertThat(w.store.all())
        .singleElement()
        .satisfies(r -> assertThat(r.closeReason()).contains(CloseReason.TRAILING_STOP));
  }
}
