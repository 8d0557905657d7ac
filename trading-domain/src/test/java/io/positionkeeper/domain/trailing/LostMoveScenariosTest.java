package io.positionkeeper.domain.trailing;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A stop move whose answer was lost after it took effect (simulator seed 953): the manager kept
 * naming the cancelled old stop, every later move of it was refused, and the trailing stop froze at
 * the lost move's level; a hand-cancel of the real stop then went unnoticed.
 */
class LostMoveScenariosTest {
  private final Harness h = new Harness();

  private void mark(String price) {
    h.clock.advance(Duration.ofSeconds(2));
    h.exchange.setMarkPrice(BTC, new BigDecimal(price));
    h.clock.advance(Duration.ofSeconds(2));
  }

  @Test
  void aMoveWhoseAnswerWasLost_isSettledFromTheVenue_andTrailingGoesOn() {
    h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    h.exchange
        .faults()
        .failNext(
            FakeExchange.Op.MOVE_STOP,
            new OutcomeUnknownException("timeout"),
            FaultKnobs.When.AFTER_EFFECT);
    mark("65500");
    StopOrder afterLostMove = h.exchange.workingStops(BTC).get(0);

    mark("67000");

    List<StopOrder> working = h.exchange.workingStops(BTC);
    assertThat(working).hasSize(1);
    assertThat(working.get(0).triggerPrice()).isGreaterThan(afterLostMove.triggerPrice());
    assertThat(h.book.get(new PositionKey(Exchange.BINANCE, BTC)).orElseThrow().stopId())
        .isEqualTo(Optional.of(working.get(0).clientId()));
    assertThat(h.store.loadOpen().get(0).stopClientId())
        .isEqualTo(Optional.of(working.get(0).clientId()));
  }
}
