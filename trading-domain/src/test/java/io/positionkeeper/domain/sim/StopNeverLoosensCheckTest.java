package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * I5's first half (I5_STOP_LOOSENED) and the one looser stop that is no loosening: a level the
 * venue's mark has crossed no longer exists there, so the tightest stop the venue takes, on the
 * nearest tick beyond its mark, is all a position can have. A tick further is a loosening.
 */
class StopNeverLoosensCheckTest {
  private static final BigDecimal TICK = SimWorld.TICKS.get(BTC);
  private SimWorld w = new SimWorld();
  private Invariants invariants = new Invariants(w);
  private int step;

  private Optional<Violation> after(Duration d) {
    w.clock.advance(d);
    return invariants.check(step++);
  }

  /**
   * A long whose stop went by hand while the mark fell 100 past it and the order endpoint is down:
   * the keeper's exit is refused and it places the tightest stop. The invariants are not told of
   * the cancel, so no restore window covers the looser stop: only the crossed-level rule does.
   */
  private BigDecimal crossedWithTheExitRefused() {
    Exchange venue =
        w.exchange.flavour() == FakeExchange.Flavour.BYBIT ? Exchange.BYBIT : Exchange.BINANCE;
    assertThat(w.keeper.open(intent(venue, BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    assertThat(after(Duration.ofSeconds(5))).isEmpty();
    StopOrder first = w.exchange.workingStops(BTC).get(0);
    BigDecimal mark = first.triggerPrice().subtract(new BigDecimal("100"));
    w.exchange
        .faults()
        .failAlways(FakeExchange.Op.PLACE_ORDER, new RetryableException("503 service unavailable"));
    w.exchange.cancelStopExternally(first.clientId());
    w.exchange.setMarkPrice(BTC, mark);
    return mark;
  }

  @Test
  void theTightestStopBeyondAMarkThatCrossedTheLevel_isNoLoosening() {
    BigDecimal mark = crossedWithTheExitRefused();

    assertThat(after(Duration.ofSeconds(10))).isEmpty();
    assertThat(w.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo(mark.subtract(TICK)));
  }

  @Test
  void aStopATickFurtherThanTheTightest_isALoosening() {
    BigDecimal mark = crossedWithTheExitRefused();
    assertThat(after(Duration.ofSeconds(10))).isEmpty();
    StopOrder tightest = w.exchange.workingStops(BTC).get(0);

    // Another stop of the position's life, two ticks below the mark, then the tightest one gone.
    w.stopOrigins.placeStopLoss(
        new StopLossRequest(
            BTC,
            PositionSide.LONG,
            mark.subtract(TICK.multiply(BigDecimal.TWO)),
            new ClientOrderId("pkr-test-looser")));
    w.exchange.cancelStopExternally(tightest.clientId());

    assertThat(invariants.check(step++))
        .hasValueSatisfying(v -> assertThat(v.kind()).isEqualTo(Violation.Kind.I5_STOP_LOOSENED));
  }

  /**
   * Seed 6002471: a move whose cancel half failed left the opening's looser stop beside the trailed
   * one, and the trailed one was cancelled by hand inside a long stream outage. The keeper hears of
   * the cancel from no stream then; it reads the venue by REST alone once the streams have been
   * down for {@link Invariants#BLIND_AFTER}. The restore window counts from there, as I1's does,
   * and still ends: a keeper that never restores the level is caught, outage or not.
   */
  @Test
  void aCancelByHandInsideAnOutage_isOwedItsRestoreOnceTheKeeperReadsByRest() {
    assertThat(w.keeper.open(intent(Exchange.BINANCE, BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    assertThat(after(Duration.ofSeconds(5))).isEmpty();
    StopOrder opening = w.exchange.workingStops(BTC).get(0);
    w.exchange.disconnect("test: a long outage of the streams");
    // A move the keeper does not know of, whose cancel half fails: the replacement works beside
    // the stop it was to replace, and the keeper will never restore its level.
    w.exchange
        .faults()
        .failNext(FakeExchange.Op.CANCEL_STOP, new RetryableException("503 service unavailable"));
    ClientOrderId trailed = new ClientOrderId("pkm-test-trailed");
    BigDecimal tighter = opening.triggerPrice().add(new BigDecimal("50"));
    assertThatThrownBy(
            () ->
                w.stopOrigins.moveStopLoss(
                    opening, new StopLossRequest(BTC, PositionSide.LONG, tighter, trailed)))
        .isInstanceOf(RetryableException.class);
    assertThat(w.exchange.workingStops(BTC)).hasSize(2);
    assertThat(invariants.check(step++)).isEmpty();
    w.exchange.cancelStopExternally(trailed);
    invariants.cancelledByHand(BTC);
    assertThat(invariants.check(step++)).isEmpty();

    // The outage's first 30 s do not count, the next 75 s are the window.
    for (int i = 0; i < 10; i++) {
      assertThat(after(Duration.ofSeconds(10))).as("%d s into the outage", 10 * (i + 1)).isEmpty();
    }

    assertThat(after(Duration.ofSeconds(10)))
        .hasValueSatisfying(
            v -> {
              assertThat(v.kind()).isEqualTo(Violation.Kind.I5_STOP_LOOSENED);
              assertThat(v.detail()).contains("of visible time after a cancel by hand");
            });
  }

  @Test
  void aRefusedAmendOfTheTightestStop_leavesItTheTightest_onBybit() {
    w = new SimWorld(FakeExchange.Flavour.BYBIT);
    invariants = new Invariants(w);
    BigDecimal mark = crossedWithTheExitRefused();
    assertThat(after(Duration.ofSeconds(10))).isEmpty();
    StopOrder tightest = w.exchange.workingStops(BTC).get(0);

    // The mark comes back toward the crossed level; an amend to a level it has already passed is
    // refused, and the venue still holds the tightest stop, placed against the earlier mark.
    BigDecimal later = mark.add(new BigDecimal("50"));
    w.exchange.setMarkPrice(BTC, later);
    StopLossRequest crossedAgain =
        new StopLossRequest(
            BTC, PositionSide.LONG, later.add(TICK), new ClientOrderId("pkm-test-refused"));
    assertThatThrownBy(() -> w.stopOrigins.moveStopLoss(tightest, crossedAgain))
        .isInstanceOf(StopWouldTriggerException.class);

    assertThat(w.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo(mark.subtract(TICK)));
    assertThat(invariants.check(step++)).isEmpty();
  }
}
