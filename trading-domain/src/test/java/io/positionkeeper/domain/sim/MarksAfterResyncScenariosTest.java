package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A trailing level crossed while the stream was down is acted on once the stream is back (simulator
 * seed 187, Binance, STREAM on): the move to a new peak was rate-limited, the stream dropped, and
 * the mark fell through the rule's level meanwhile. The fake pushed nothing after the resync (the
 * marks stood still), so the keeper, which had not seen the fall, kept asking for a move the venue
 * refused as one that would trigger at once, and the position sat behind its first stop for good.
 * The venues send the mark again after a resync (Bybit's tickers snapshot, Binance's markPrice@1s);
 * with that the keeper sees the crossed level and closes at market.
 */
class MarksAfterResyncScenariosTest {
  private final Harness h = new Harness();

  @Test
  void aTrailingLevelCrossedDuringADisconnect_closesThePositionAfterTheResync() {
    var opened = (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    h.clock.advance(Duration.ofSeconds(5));
    h.exchange
        .faults()
        .failNext(
            FakeExchange.Op.MOVE_STOP, new RateLimitedException("429", Duration.ofSeconds(1)));
    // A new peak past the activation: the rule's level is 65,600 less 0.5 %, about 65,272.
    h.exchange.setMarkPrice(BTC, new BigDecimal("65600"));
    h.exchange.disconnect("network");
    h.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    h.clock.advance(Duration.ofSeconds(60));

    h.exchange.reconnect();
    h.clock.advance(Duration.ofSeconds(5));

    assertThat(h.exchange.openPositions()).isEmpty();
    var row = h.store.find(opened.positionId()).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row.closeReason()).contains(CloseReason.TRAILING_STOP);
  }
}
