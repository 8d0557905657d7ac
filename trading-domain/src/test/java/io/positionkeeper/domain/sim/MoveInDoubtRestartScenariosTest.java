package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Seed 18002764 (Bybit, I5_STOP_LOOSENED): a trailing move's answer was lost after Bybit amended
 * the stop in place, and the settlement could not read the venue, so the move stayed in doubt; the
 * peak that asked for it was not saved yet (peaks are saved on a cadence). The stop was then
 * cancelled by hand and the keeper restarted: its start-up reconciliation re-placed the stop at the
 * level the stores knew, looser than the one the venue had held. A move that fails or stays in
 * doubt saves the level it asked for: the trader's level, whether or not the venue took it.
 */
class MoveInDoubtRestartScenariosTest {

  @Test
  void aStopCancelledAfterAMoveInDoubt_isReplacedAtTheMovedLevelAfterARestart() {
    SimWorld w = new SimWorld(FakeExchange.Flavour.BYBIT);
    assertThat(w.keeper.open(intent(Exchange.BYBIT, BTC, PositionSide.LONG, "1000", "l-1")))
        .isInstanceOf(OpenResult.Opened.class);
    BigDecimal entry = w.exchange.markPrice(BTC).price();
    // Activates (its peak saved with the activation) and moves the stop.
    w.exchange.setMarkPrice(BTC, entry.multiply(new BigDecimal("1.02")));
    w.clock.advance(Duration.ofSeconds(3));
    // A new peak 0.3 % higher (saved only later): its move is amended on the venue, but the
    // answer is lost and the venue's stops cannot be read to settle it.
    w.exchange
        .faults()
        .failNext(
            FakeExchange.Op.MOVE_STOP,
            new OutcomeUnknownException("timeout"),
            FaultKnobs.When.AFTER_EFFECT)
        .failAlways(FakeExchange.Op.OPEN_STOPS, new RetryableException("503"));
    w.exchange.setMarkPrice(BTC, entry.multiply(new BigDecimal("1.023")));
    w.clock.advance(Duration.ofMillis(100));
    StopOrder moved = w.exchange.workingStops(BTC).get(0);

    // The mark falls back below that peak: after a restart no mark shows it again.
    w.exchange.setMarkPrice(BTC, entry.multiply(new BigDecimal("1.021")));
    w.clock.advance(Duration.ofMillis(100));

    w.exchange.cancelStopExternally(moved.clientId());
    w.exchange.faults().clear(FakeExchange.Op.OPEN_STOPS);
    w.restart();
    w.clock.advance(Duration.ofSeconds(5));

    assertThat(w.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.triggerPrice())
                    .as("not looser than the level the venue held before the cancel")
                    .isGreaterThanOrEqualTo(moved.triggerPrice()));
  }
}
