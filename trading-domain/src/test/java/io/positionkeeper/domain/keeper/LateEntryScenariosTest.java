package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.model.PositionSide;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Seeds 22, 94, 97, 106, 208 and others with late orders on (the simulator's LATE_ORDER class): an
 * entry order whose answer was lost landed on the venue after its open had given up. Nothing
 * protected the position until the periodic reconciliation, up to a minute later.
 */
class LateEntryScenariosTest {
  private final Harness h = new Harness();

  @Test
  void anEntryThatLandsAfterItsOpenGaveUp_isProtectedWithinSeconds() {
    h.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    h.exchange.nextOrderLandsAfter(Duration.ofSeconds(20));

    OpenResult result = h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    assertThat(result).isInstanceOf(OpenResult.Failed.class);
    assertThat(h.exchange.positionSize(BTC)).isZero();

    h.clock.advance(Duration.ofSeconds(20));
    assertThat(h.exchange.positionSize(BTC)).isPositive();
    h.clock.advance(Duration.ofSeconds(5));

    assertThat(h.exchange.workingStops(BTC)).hasSize(1);
    assertThat(h.store.loadOpen())
        .singleElement()
        .satisfies(r -> assertThat(r.symbol()).isEqualTo(BTC));
  }
}
