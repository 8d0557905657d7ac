package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stream outage of minutes while REST still answers. The keeper hears of nothing on the venue
 * then: before, it also refused to reconcile until the streams were resynced, so a stop cancelled
 * by hand in the outage left its position without a stop (or behind a looser one) for the whole
 * outage (simulator seed 6002471: a trailed stop cancelled by hand inside a 4.5-minute outage, the
 * opening's looser stop still working beside it). Once the streams have been down for 30 s the
 * keeper reconciles by REST alone, every 30 s.
 */
class StreamOutageScenariosTest {

  private static Exchange venueOf(SimWorld w) {
    return w.exchange.flavour() == FakeExchange.Flavour.BYBIT ? Exchange.BYBIT : Exchange.BINANCE;
  }

  private static void tick(SimWorld w, Duration total) {
    for (long s = 0; s < total.toSeconds(); s++) {
      w.clock.advance(Duration.ofSeconds(1));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void aStopCancelledByHandDuringAnOutage_isReplacedByRestWithinTheOutage(
      FakeExchange.Flavour flavour) {
    SimWorld w = new SimWorld(flavour);
    OpenResult.Opened opened =
        (OpenResult.Opened)
            w.keeper.open(intent(venueOf(w), BTC, PositionSide.LONG, "1000", "i-1"));
    StopOrder stop = w.exchange.workingStops(BTC).get(0);
    w.exchange.disconnect("test: the streams' endpoint is down, REST answers");
    w.exchange.cancelStopExternally(stop.clientId());

    tick(w, Duration.ofSeconds(40));

    List<StopOrder> working = w.exchange.workingStops(BTC);
    assertThat(working).hasSize(1);
    assertThat(working.get(0).triggerPrice()).isEqualByComparingTo(opened.stopPrice());
    // Still down: the outage lasts minutes, and the keeper keeps looking.
    assertThat(w.exchange.connectionState())
        .isNotEqualTo(io.positionkeeper.ports.model.ConnectionState.RESYNCED);
    w.exchange.cancelStopExternally(working.get(0).clientId());
    tick(w, Duration.ofSeconds(40));
    assertThat(w.exchange.workingStops(BTC)).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE"})
  void aTrailedStopCancelledByHandDuringAnOutage_isRestoredToItsLevel_notLeftAtTheOpenings(
      FakeExchange.Flavour flavour) {
    SimWorld w = new SimWorld(flavour);
    w.keeper.open(intent(venueOf(w), BTC, PositionSide.LONG, "1000", "i-1"));
    StopOrder opening = w.exchange.workingStops(BTC).get(0);
    // The trail activates and moves; the move's cancel half fails, and so does the cancel of the
    // settlement that reads the venue after it: the opening's stop works beside the trailed one.
    w.exchange
        .faults()
        .failNext(FakeExchange.Op.CANCEL_STOP, new RetryableException("429 too many requests"))
        .failNext(FakeExchange.Op.CANCEL_STOP, new RetryableException("503 service unavailable"));
    BigDecimal peak = w.exchange.markPrice(BTC).price().multiply(new BigDecimal("1.03"));
    w.exchange.setMarkPrice(BTC, peak);
    tick(w, Duration.ofSeconds(3));
    List<StopOrder> both = w.exchange.workingStops(BTC);
    assertThat(both).hasSize(2);
    StopOrder trailed =
        both.stream().filter(s -> !s.clientId().equals(opening.clientId())).findFirst().get();
    assertThat(trailed.triggerPrice()).isGreaterThan(opening.triggerPrice());

    w.exchange.disconnect("test: the streams' endpoint is down, REST answers");
    w.exchange.cancelStopExternally(trailed.clientId());
    tick(w, Duration.ofSeconds(45));

    assertThat(w.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(
            s -> assertThat(s.triggerPrice()).isGreaterThanOrEqualTo(trailed.triggerPrice()));
  }
}
