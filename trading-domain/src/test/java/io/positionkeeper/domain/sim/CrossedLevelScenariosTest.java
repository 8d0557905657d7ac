package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The rule's level crossed while the venue's stop lagged behind it. */
class CrossedLevelScenariosTest {

  /**
   * Seed 878 (Bybit, found by I5's second half run after the move cadence alone): a short's
   * activation move met a 429, the mark came back over the rule's level at once, and the exit at
   * market that the crossing asks for failed (its close order ambiguous, then absent). Marks stayed
   * still; the timer only tried the move, which the venue refuses (the stop would trigger at once):
   * the position stayed open behind a stop 6 % looser than the rule.
   */
  @Test
  void anExitAtTheCrossedLevelThatFailed_isTriedAgainWhileMarksStayStill() {
    SimWorld w = new SimWorld(); // Binance: the same history as on Bybit
    assertThat(w.keeper.open(intent(BTC, PositionSide.SHORT, "1000", "s-1")))
        .isInstanceOf(OpenResult.Opened.class);
    w.clock.advance(Duration.ofSeconds(5));
    w.exchange
        .faults()
        .failNext(FakeExchange.Op.MOVE_STOP, new RateLimitedException("429", Duration.ZERO))
        .failNext(FakeExchange.Op.PLACE_ORDER, new OutcomeUnknownException("timeout"));

    w.exchange.setMarkPrice(BTC, new BigDecimal("62900")); // activates; the move meets the 429
    w.exchange.setMarkPrice(BTC, new BigDecimal("63300")); // over 62900 x 1.005: the rule fired
    assertThat(w.exchange.positionSize(BTC).signum()).isNegative(); // the exit's order failed

    w.clock.advance(Duration.ofSeconds(10));

    assertThat(w.exchange.positionSize(BTC).signum()).isZero();
    assertThat(w.exchange.workingStops(BTC)).isEmpty();
    assertThat(closeReasonOf(w)).isEqualTo(CloseReason.TRAILING_STOP);
  }

  /**
   * Seed 227 (Binance, I1: no stop for 30 s; 7000889 the same road): the position's stop was
   * cancelled by hand while the mark was already beyond its level and the order endpoint was down.
   * The venue refuses a stop at the crossed level (it would trigger at once) and the exit at market
   * gets a 503, so the position must get the tightest stop the venue takes, one tick beyond the
   * mark, until it can be closed; never none.
   */
  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void aCrossedStopWhoseExitIsRefused_getsTheTightestPlaceableStop_notNone(
      FakeExchange.Flavour flavour) {
    SimWorld w = new SimWorld(flavour);
    Crossing c = crossedWithTheOrderEndpointDown(w);
    BigDecimal mark = c.mark();

    assertThat(w.exchange.positionSize(BTC).signum()).as("the exit is refused").isPositive();
    assertThat(w.exchange.workingStops(BTC))
        .as("the tightest stop the venue takes: one tick (0.10) below the mark")
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.positionSide()).isEqualTo(PositionSide.LONG);
              assertThat(s.triggerPrice())
                  .isEqualByComparingTo(mark.subtract(new BigDecimal("0.1")));
            });

    w.exchange.faults().clear(FakeExchange.Op.PLACE_ORDER);
    w.exchange.setMarkPrice(BTC, mark.subtract(new BigDecimal("5")));
    w.clock.advance(Duration.ofSeconds(5));
    assertThat(w.exchange.positionSize(BTC).signum()).isZero();
    assertThat(w.exchange.workingStops(BTC)).isEmpty();
  }

  /**
   * Seed 4000084 (Bybit, I5_STOP_LOOSENED): an opening's stop cancelled by hand while the mark fell
   * through its level and the order endpoint was down got the tightest stop the venue takes, as
   * above. The trailing stop, not yet activated, still asked for the opening's level; its move
   * there was refused as crossed, which means the rule has fired, but the exit at market it then
   * owed never went out (its audit event asked for the level of an activated trailing stop, and the
   * failure of that bookkeeping ended the exit). The endpoint came back, the mark stayed below the
   * opening's level, and the position stayed open behind the looser stand-in for good.
   */
  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void aCrossedLevelBehindATightestStandIn_isExitedAtMarketOnceTheVenueTakesOrders(
      FakeExchange.Flavour flavour) {
    SimWorld w = new SimWorld(flavour);
    Crossing c = crossedWithTheOrderEndpointDown(w);
    StopOrder first = c.first();
    BigDecimal mark = c.mark();
    assertThat(w.exchange.workingStops(BTC))
        .as("the tightest stop the venue takes stands in while the exit is refused")
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isLessThan(first.triggerPrice()));

    w.exchange.faults().clear(FakeExchange.Op.PLACE_ORDER);
    // Back up a little, still below the opening's level: the stand-in does not fire.
    w.exchange.setMarkPrice(BTC, mark.add(new BigDecimal("5")));
    w.clock.advance(Duration.ofSeconds(30));

    assertThat(w.exchange.positionSize(BTC).signum())
        .as("the rule's level is crossed and the venue takes orders again: closed at market")
        .isZero();
    assertThat(w.exchange.workingStops(BTC)).isEmpty();
    assertThat(closeReasonOf(w))
        .as("the stop-loss's level was crossed, the trail never activated")
        .isEqualTo(CloseReason.STOP_LOSS);
  }

  /**
   * The stand-in above, then a restart before the exit went out (the road left open after 4000084):
   * the stand-in was saved as the trailing stop's level, so the restarted keeper took it for the
   * trader's stop and owed nothing. The trader's level (the opening's, the trailing stop not yet
   * activated) is kept across the restart: the exit is owed again and goes out once the venue takes
   * orders.
   */
  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void aCrossedLevelBehindAStandIn_isStillExitedAfterARestart(FakeExchange.Flavour flavour) {
    SimWorld w = new SimWorld(flavour);
    Crossing c = crossedWithTheOrderEndpointDown(w);
    assertThat(w.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isLessThan(c.first().triggerPrice()));

    w.restart();
    w.clock.advance(Duration.ofSeconds(5));
    w.exchange.faults().clear(FakeExchange.Op.PLACE_ORDER);
    // Back up a little, still below the opening's level: the stand-in does not fire.
    w.exchange.setMarkPrice(BTC, c.mark().add(new BigDecimal("5")));
    w.clock.advance(Duration.ofSeconds(30));

    assertThat(w.exchange.positionSize(BTC).signum())
        .as("the opening's level is crossed and the venue takes orders again: closed at market")
        .isZero();
    assertThat(w.exchange.workingStops(BTC)).isEmpty();
  }

  /**
   * As above, but the market comes back over the opening's level while orders are still refused: no
   * exit is owed any more, and the stop goes back to the trader's level instead of staying on the
   * looser stand-in.
   */
  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void aStandInAfterARestart_movesBackToTheTradersLevelWhenMarksReturn(
      FakeExchange.Flavour flavour) {
    SimWorld w = new SimWorld(flavour);
    Crossing c = crossedWithTheOrderEndpointDown(w);

    w.restart();
    w.clock.advance(Duration.ofSeconds(5));
    w.exchange.setMarkPrice(BTC, c.first().triggerPrice().add(new BigDecimal("50")));
    w.clock.advance(Duration.ofSeconds(30));

    assertThat(w.exchange.positionSize(BTC).signum()).isPositive();
    assertThat(w.exchange.workingStops(BTC))
        .as("the opening's level again, not the stand-in")
        .singleElement()
        .satisfies(
            s -> assertThat(s.triggerPrice()).isEqualByComparingTo(c.first().triggerPrice()));

    // That stop fires: the stop-loss closed it, though the trailing stop moved it back there.
    w.exchange.setMarkPrice(BTC, c.first().triggerPrice().subtract(new BigDecimal("10")));
    w.clock.advance(Duration.ofSeconds(5));
    assertThat(w.exchange.positionSize(BTC).signum()).isZero();
    assertThat(closeReasonOf(w)).isEqualTo(CloseReason.STOP_LOSS);
  }

  /**
   * Seed 4000208 (Bybit, I5_STOP_BEHIND_RULE): a short's activation move met a 429, the next mark
   * crossed the rule's level, and the exit at market met the order endpoint's outage (market orders
   * only; stops are another endpoint) for the rest of the history. The keeper retried the exit with
   * its backoff and left the opening's stop, 3 % looser, in place. While the exit cannot go out,
   * the stop goes to the tightest level the venue takes (one tick beyond its mark), and follows the
   * mark back toward the rule's level at the next failed exit.
   */
  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void aCrossedTrailingLevelWhoseExitIsRefused_movesTheStopToTheTightestTheVenueTakes(
      FakeExchange.Flavour flavour) {
    SimWorld w = new SimWorld(flavour);
    OpenIntent onTheVenue = intent(w.exchange.exchange(), BTC, PositionSide.SHORT, "1000", "s-1");
    assertThat(w.keeper.open(onTheVenue)).isInstanceOf(OpenResult.Opened.class);
    w.clock.advance(Duration.ofSeconds(5));
    BigDecimal opening = w.exchange.workingStops(BTC).get(0).triggerPrice();
    w.exchange
        .faults()
        .failNext(FakeExchange.Op.MOVE_STOP, new RateLimitedException("429", Duration.ZERO))
        .failAlways(FakeExchange.Op.PLACE_ORDER, new RetryableException("503 service unavailable"));

    w.exchange.setMarkPrice(BTC, new BigDecimal("62900")); // activates; the move meets the 429
    w.exchange.setMarkPrice(BTC, new BigDecimal("63300")); // over 62900 x 1.005: the rule fired
    w.clock.advance(Duration.ofSeconds(5));

    assertThat(w.exchange.positionSize(BTC).signum()).as("the exit is refused").isNegative();
    assertThat(w.exchange.workingStops(BTC))
        .as(
            "not the opening's %s: the tightest stop the venue takes, a tick over the mark",
            opening)
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("63300.1"));

    // Back toward the rule's level (62900 x 1.005 = 63214.5), still beyond it, by more than the
    // minimum step (0.1 % of the stop): the next failed exit (its backoff grows to 30 s) takes the
    // stop along.
    w.exchange.setMarkPrice(BTC, new BigDecimal("63230"));
    w.clock.advance(Duration.ofSeconds(35));
    assertThat(w.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("63230.1"));

    w.exchange.faults().clear(FakeExchange.Op.PLACE_ORDER);
    w.clock.advance(Duration.ofSeconds(35));
    assertThat(w.exchange.positionSize(BTC).signum()).isZero();
    assertThat(w.exchange.workingStops(BTC)).isEmpty();
  }

  /** The opening's stop and the mark 100 below its level. */
  private record Crossing(StopOrder first, BigDecimal mark) {}

  /** The reason the one position of the history was closed with. */
  private static CloseReason closeReasonOf(SimWorld w) {
    return w.store.all().stream()
        .filter(r -> r.symbol().equals(BTC))
        .map(r -> r.closeReason().orElseThrow())
        .findFirst()
        .orElseThrow();
  }

  /**
   * A LONG opened; its stop cancelled by hand while the mark falls 100 past the stop's level and
   * the order endpoint refuses every market order; 10 s for the keeper to answer.
   */
  private static Crossing crossedWithTheOrderEndpointDown(SimWorld w) {
    OpenIntent onTheVenue = intent(w.exchange.exchange(), BTC, PositionSide.LONG, "1000", "l-1");
    assertThat(w.keeper.open(onTheVenue)).isInstanceOf(OpenResult.Opened.class);
    w.clock.advance(Duration.ofSeconds(2));
    StopOrder first = w.exchange.workingStops(BTC).get(0);
    BigDecimal mark = first.triggerPrice().subtract(new BigDecimal("100"));
    w.exchange
        .faults()
        .failAlways(FakeExchange.Op.PLACE_ORDER, new RetryableException("503 service unavailable"));
    w.exchange.cancelStopExternally(first.clientId());
    w.exchange.setMarkPrice(BTC, mark);
    w.clock.advance(Duration.ofSeconds(10));
    return new Crossing(first, mark);
  }
}
