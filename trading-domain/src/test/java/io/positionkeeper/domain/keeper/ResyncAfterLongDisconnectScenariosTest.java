package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.reconcile.ReconcileResult;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stop cancelled by hand during a network outage of minutes (streams down, REST reads failing):
 * every reconciliation in the gap was refused, and each refusal lengthened the wait before the next
 * owed run, up to 30 s. The resync then had to wait out that backoff, so the position stood without
 * a stop for up to 30 s after the streams came back (simulator STREAM seeds 36, 46, 82, 262, 416,
 * 504, 638 on Bybit and 65, 551 on Binance: 15.4-20.0 s against the 15 s window). A resync starts
 * the owed run's waits afresh.
 */
class ResyncAfterLongDisconnectScenariosTest {
  private final Harness h = new Harness();

  @Test
  void aStopCancelledDuringALongDisconnect_isReplacedWithinSecondsOfTheResync() {
    OpenResult.Opened opened =
        (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    StopOrder stop = h.exchange.workingStops(BTC).get(0);
    h.exchange.disconnect("network");
    h.exchange
        .faults()
        .failAlways(FakeExchange.Op.POSITIONS, new RetryableException("connect timed out"));
    // The cancel's event is lost with the connection: only the resync can tell.
    h.exchange.cancelStopExternally(stop.clientId());
    // Minutes down: the periodic reconciliations are refused, and so is one asked for just before
    // the streams come back (a bot's own call, or the periodic one falling due then).
    h.clock.advance(Duration.ofMinutes(4));
    assertThat(h.keeper.reconcile()).allMatch(r -> r instanceof ReconcileResult.Refused);

    h.exchange.faults().clear(FakeExchange.Op.POSITIONS);
    h.exchange.reconnect();
    h.clock.advance(Duration.ofSeconds(3));

    List<StopOrder> working = h.exchange.workingStops(BTC);
    assertThat(working).hasSize(1);
    assertThat(working.get(0).clientId()).isNotEqualTo(stop.clientId());
    assertThat(working.get(0).triggerPrice()).isEqualByComparingTo(opened.stopPrice());
  }
}
