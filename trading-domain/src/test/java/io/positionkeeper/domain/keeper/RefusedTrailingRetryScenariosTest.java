package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A trailing stop move the venue keeps refusing, and an exit at a crossed level that keeps failing,
 * were sent again on every one-second tick for as long as they failed (the Binance soak's seed 1003
 * showed a refusal loop): request weight spent on asking again, and the failure lost in the noise.
 * They are retried with a growing wait (1 s doubling to 30 s), the stop placed keeps guarding the
 * position meanwhile (an exit's stop moved to the tightest level the venue takes), and the fifth
 * failure in a row is recorded as critical (an alert). A refusal that says the stop would trigger
 * at once is not one of these: it means the level is crossed and the position is closed at market
 * ({@code StopLevelCrossedTest}).
 */
class RefusedTrailingRetryScenariosTest {
  private final Harness h = new Harness();

  private StopOrder openLong() {
    assertThat(h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    h.clock.advance(Duration.ofSeconds(2));
    return h.exchange.workingStops(BTC).get(0);
  }

  private long critical(String operation) {
    return h.journal.records().stream()
        .filter(r -> r.type().equals("OPERATION_FAILED"))
        .filter(r -> r.severity() == Severity.CRITICAL)
        .map(AuditRecord::payload)
        .filter(p -> operation.equals(p.get("operation")))
        .count();
  }

  @Test
  void aMoveTheVenueKeepsRefusing_isRetriedWithBackoff_andTheOldStopStillGuards() {
    StopOrder first = openLong();
    // A refusal that says nothing about the mark: every move is refused with Binance's -4045.
    h.exchange
        .faults()
        .failAlways(
            FakeExchange.Op.MOVE_STOP,
            new RejectedException("-4045", "Reach max stop order limit."));
    int before = h.exchange.faults().calls(FakeExchange.Op.MOVE_STOP);

    h.exchange.setMarkPrice(BTC, new BigDecimal("65000")); // activates: the stop should go up
    h.clock.advance(Duration.ofSeconds(60));

    // Tries at 0, 1, 2, 3, then 2, 4, 8, 16 s apart, where one on every tick would be about 60.
    assertThat(h.exchange.faults().calls(FakeExchange.Op.MOVE_STOP) - before).isBetween(4, 10);
    assertThat(h.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo(first.triggerPrice()));
    assertThat(critical("moveStop.repeated")).isEqualTo(1);

    // The venue takes the move again: it goes through at the next try, within the longest wait.
    h.exchange.faults().clear(FakeExchange.Op.MOVE_STOP);
    h.clock.advance(Duration.ofSeconds(31));
    assertThat(h.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isGreaterThan(first.triggerPrice()));
  }

  @Test
  void anExitAtACrossedLevelThatKeepsFailing_isRetriedWithBackoff_andTheStopStillGuards() {
    StopOrder first = openLong();
    h.exchange
        .faults()
        .failNext(FakeExchange.Op.MOVE_STOP, new RateLimitedException("429", Duration.ZERO));
    h.exchange.setMarkPrice(BTC, new BigDecimal("65000")); // activates; the move meets the 429
    h.exchange
        .faults()
        .failAlways(FakeExchange.Op.PLACE_ORDER, new RetryableException("503 service unavailable"));
    int before = h.exchange.faults().calls(FakeExchange.Op.PLACE_ORDER);

    int movesBefore = h.exchange.faults().calls(FakeExchange.Op.MOVE_STOP);

    h.exchange.setMarkPrice(BTC, new BigDecimal("64600")); // below 65000 x 0.995: the rule fired
    h.clock.advance(Duration.ofSeconds(120));

    // Each exit tries its close order for a few seconds; exits then start 1, 1, 1, 2, 4, 8, 16,
    // 30 s after the last failed, where one on every tick after a failure would be about 20.
    long exits = h.journal.types().stream().filter("TRAILING_TRIGGERED"::equals).count();
    assertThat(exits).as("exits at market tried in 120 s").isBetween(3L, 12L);
    assertThat(h.exchange.faults().calls(FakeExchange.Op.PLACE_ORDER)).isGreaterThan(before);
    // Nor is the stop moved to the crossed level meanwhile: the venue refuses that (-2021). It
    // moves once, at the first failed exit, to the tightest level the venue takes (a tick below
    // the mark, tighter than the opening's stop), and stays there while the mark stands still.
    assertThat(h.exchange.faults().calls(FakeExchange.Op.MOVE_STOP) - movesBefore).isEqualTo(1);
    assertThat(h.exchange.positionSize(BTC).signum()).isPositive();
    assertThat(h.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.triggerPrice()).isGreaterThan(first.triggerPrice());
              assertThat(s.triggerPrice()).isEqualByComparingTo("64599.9");
            });
    assertThat(critical("trailingExit.repeated")).isEqualTo(1);

    // The venue takes orders again: the exit goes out at its next try.
    h.exchange.faults().clear(FakeExchange.Op.PLACE_ORDER);
    h.clock.advance(Duration.ofSeconds(31));
    assertThat(h.exchange.positionSize(BTC).signum()).isZero();
  }
}
