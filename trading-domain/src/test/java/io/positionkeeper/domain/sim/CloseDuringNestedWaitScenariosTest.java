package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static io.positionkeeper.domain.Harness.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The simulator's STREAM findings of the kind "exit matches no venue fill": with the stream held, a
 * close whose order's answer was lost waits for the order to show up, and a scheduled job that runs
 * inside that wait and waits itself (a reconciliation after the stream's resync) carried the manual
 * clock past the close's own wait; the clock then went back to the end of the shorter wait, so the
 * row was closed at an instant before the close order's fill and its true exit looked invented. The
 * keeper took the right exit all along; the clock, unlike a real one, went back.
 */
class CloseDuringNestedWaitScenariosTest {
  private final Harness h = new Harness();

  /** The violation, if any, of the simulator's history {@code seed} with STORE faults off. */
  private static Optional<Violation> replayWithoutStoreFaults(
      long seed, int steps, FakeExchange.Flavour flavour) {
    return new Simulation(
            new SimConfig(
                seed, steps, flavour, SimConfig.withoutSession6(SimConfig.FaultClass.STORE)))
        .run();
  }

  @Test
  void aCloseWhoseFillLandsDuringALongerNestedWait_isClosedNoEarlierThanItsFill() {
    h.clock.advance(Duration.ofSeconds(1));
    h.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    var opened = (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "300", "l-1"));
    h.clock.advance(Duration.ofSeconds(5));
    h.exchange.setMarkPrice(BTC, new BigDecimal("64800"));
    // The close order's answer is lost and the order lands 2 s later; meanwhile a job scheduled
    // just after the close starts waits 3 s of its own, inside the close's first query backoff.
    // The stream is held (as in the simulator's histories), so the close command, not the
    // stream's flat event, writes the close.
    h.exchange.holdStream();
    h.exchange.nextOrderLandsAfter(Duration.ofSeconds(2));
    h.clock.schedule(Duration.ofMillis(50), () -> h.clock.sleep(Duration.ofSeconds(3)));

    var outcome = h.keeper.close(key(BTC));

    h.exchange.releaseHeld();

    assertThat(outcome).isInstanceOf(PositionCloser.CloseOutcome.Closed.class);
    PositionExit fill = h.exchange.exitFills().get(0);
    PositionRecord row = h.store.find(opened.positionId()).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row.exitPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("64800"));
    assertThat(row.closedAt())
        .hasValueSatisfying(at -> assertThat(at).isAfterOrEqualTo(fill.time()));
  }

  /**
   * Seed 815 (Binance, step 211): SKLUSDT closed at 00:26:58.739, its close filled 00:27:00.648.
   */
  @Test
  void seed815_aCloseAnsweredAfterANestedReconciliation_carriesItsFillsExit() {
    assertThat(replayWithoutStoreFaults(815, 212, FakeExchange.Flavour.BINANCE)).isEmpty();
  }

  /** Seed 716 (Bybit, step 662): BTCUSDT LONG closed 1 s before its close order's fill. */
  @Test
  void seed716_aCloseAnsweredAfterANestedWait_carriesItsFillsExit() {
    assertThat(replayWithoutStoreFaults(716, 663, FakeExchange.Flavour.BYBIT)).isEmpty();
  }

  /** Seed 856 (Bybit, step 649): SKLUSDT LONG closed 2 s before its close order's fill. */
  @Test
  void seed856_aCloseAnsweredAfterANestedWait_carriesItsFillsExit() {
    assertThat(replayWithoutStoreFaults(856, 650, FakeExchange.Flavour.BYBIT)).isEmpty();
  }
}
