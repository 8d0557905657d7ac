package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Seeds 3001217 and 3000995 (Binance, fresh seeds of the STORE class): an entry whose answer was
 * lost landed after a smaller position on the other side had opened on the symbol. The venue keeps
 * one net position per symbol (one-way mode), so the position flipped. The row could not follow at
 * once (the store refused the update); reconciliation made it follow the venue and protected the
 * new side, but the old side's close-position stop stayed beside the new one for good (5.5 minutes,
 * until the history ended): the sweep of a row's extra stops weighed only the stops on the row's
 * recorded side.
 */
class NetFlipScenariosTest {
  private final SimWorld w = new SimWorld();

  @Test
  void aLateEntryThatFlipsTheNetPosition_leavesOneStop_onTheNewSide() {
    w.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    w.exchange.nextOrderLandsAfter(Duration.ofSeconds(20));
    assertThat(w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "late-long")))
        .isInstanceOf(OpenResult.Failed.class);
    // A keeper that remembers the entry in doubt refuses the next open on the symbol until the
    // venue settles it; one restarted in between has forgotten it, and the flip can happen.
    w.restart();
    assertThat(w.keeper.open(intent(BTC, PositionSide.SHORT, "500", "short")))
        .isInstanceOf(OpenResult.Opened.class);
    w.store
        .faults()
        .failNext(
            InMemoryPositionStore.Op.UPDATE_POSITION,
            new PersistenceException("store outage"),
            FaultKnobs.When.BEFORE_EFFECT);

    w.clock.advance(Duration.ofSeconds(20));
    assertThat(w.exchange.positionSize(BTC)).isPositive();
    // Two periodic reconciliations: the first protects the new side, the second sees both stops.
    w.clock.advance(Duration.ofSeconds(125));

    assertThat(w.exchange.workingStops(BTC))
        .singleElement()
        .extracting(StopOrder::positionSide)
        .isEqualTo(PositionSide.LONG);
    assertThat(w.store.loadOpen())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.side()).isEqualTo(PositionSide.LONG);
              assertThat(r.stopClientId()).contains(w.exchange.workingStops(BTC).get(0).clientId());
            });
  }
}
