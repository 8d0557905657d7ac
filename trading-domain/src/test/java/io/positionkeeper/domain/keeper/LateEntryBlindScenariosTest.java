package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.DBR;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Seed 10000611 (Binance, I1 at step 987: a LONG with no stop for 76.9 s): an entry whose answer
 * was lost landed 0.4 s after its open gave up and rolled back, and the venue's position update for
 * it was lost on the stream. The fill of the keeper's own entry order, which the stream did
 * deliver, was not news: nothing protected the position before the periodic reconciliation.
 */
class LateEntryBlindScenariosTest {
  private static final Duration LANDS_AFTER = Duration.ofSeconds(20);

  private final Harness h = new Harness();

  @Test
  void anEntryThatLandsLate_withItsPositionUpdateLost_isProtectedFromItsOrderFill() {
    h.exchange.setMarkPrice(DBR, new BigDecimal("0.012038"));
    h.exchange.nextOrderLandsAfter(LANDS_AFTER);
    h.exchange.dropNext(StreamEvent.PositionChanged.class, 1);
    Instant sent = h.clock.now();

    OpenResult result = h.keeper.open(intent(DBR, PositionSide.LONG, "22", "i-1"));
    assertThat(result).isInstanceOf(OpenResult.Failed.class);
    assertThat(h.exchange.positionSize(DBR)).isZero();

    h.clock.advance(Duration.between(h.clock.now(), sent.plus(LANDS_AFTER)));
    assertThat(h.exchange.positionSize(DBR)).isPositive();
    assertThat(h.exchange.droppedEvents()).isEqualTo(1);
    h.clock.advance(Duration.ofSeconds(5));

    // Well before the periodic reconciliation (1 min after the start).
    assertThat(h.clock.now()).isBefore(sent.plus(Duration.ofSeconds(50)));
    assertThat(h.exchange.workingStops(DBR)).hasSize(1);
    assertThat(h.store.loadOpen())
        .singleElement()
        .satisfies(r -> assertThat(r.symbol()).isEqualTo(DBR));
  }
}
