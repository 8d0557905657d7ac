package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One scenario per defect the simulator found and the domain now fixes, each written as the
 * shortest history that showed it.
 */
class SimulatorFindingsTest {
  private final Harness h = new Harness();

  private void mark(String price) {
    h.clock.advance(Duration.ofSeconds(2));
    h.exchange.setMarkPrice(BTC, new BigDecimal(price));
  }

  /**
   * Seed 27 (binance, 668 steps): the trailing stop had moved up (its answer lost after the
   * effect), someone cancelled it by hand, and reconciliation re-protected at the row's first
   * level: the stop loosened by the whole trail.
   */
  @Test
  void aTrailedStopCancelledByHand_isReplacedAtTheTrailedLevel_notTheFirstOne() {
    var opened = (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    h.exchange
        .faults()
        .failNext(
            FakeExchange.Op.MOVE_STOP,
            new OutcomeUnknownException("timeout"),
            FaultKnobs.When.AFTER_EFFECT);
    mark("65500");
    mark("66000");
    mark("66000");
    StopOrder trailed = h.exchange.workingStops(BTC).get(0);
    assertThat(trailed.triggerPrice()).isGreaterThan(opened.stopPrice());

    h.exchange.cancelStopExternally(trailed.clientId());
    h.keeper.reconcile();

    List<StopOrder> working = h.exchange.workingStops(BTC);
    assertThat(working).hasSize(1);
    assertThat(working.get(0).triggerPrice()).isGreaterThanOrEqualTo(trailed.triggerPrice());
  }
}
