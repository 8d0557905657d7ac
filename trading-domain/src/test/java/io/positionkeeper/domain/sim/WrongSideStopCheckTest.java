package io.positionkeeper.domain.sim;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * I1 counts as protection only a working stop on the venue position's own side (a SELL stop for a
 * LONG, a BUY stop for a SHORT). After a net flip the old side's close-position stop still works on
 * the venue, and stops nothing: a checker that counted it let the keeper leave a flipped position
 * without protection unseen. The keeper is stopped once the LONG is open, so that nothing repairs
 * what the test does to the venue: the checker alone is under test.
 */
class WrongSideStopCheckTest {
  private final SimWorld w = new SimWorld();
  private final Invariants invariants = new Invariants(w);
  private int step;

  @BeforeEach
  void aLongWhoseKeeperIsGone() {
    assertThat(w.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(OpenResult.Opened.class);
    assertThat(after(Duration.ofMinutes(1))).isEmpty();
    w.keeper.stop();
  }

  private Optional<Violation> after(Duration d) {
    w.clock.advance(d);
    return invariants.check(step++);
  }

  /** The LONG's own stop cancelled by hand, one placed by hand on {@code side} instead. */
  private void replaceTheStopBy(PositionSide side, String trigger) {
    StopOrder own = w.exchange.workingStops(BTC).get(0);
    w.exchange.cancelStopLoss(BTC, own.clientId());
    w.exchange.placeStopLoss(
        new StopLossRequest(BTC, side, new BigDecimal(trigger), ClientOrderId.of("hand-stop")));
  }

  @Test
  void aStopOnlyOfTheOtherSide_isAViolationAfterTheWindow() {
    replaceTheStopBy(PositionSide.SHORT, "66000"); // a SHORT's stop: above the mark

    assertThat(after(Duration.ofSeconds(10))).isEmpty(); // inside the window
    Optional<Violation> found = after(Duration.ofSeconds(10));

    assertThat(found)
        .hasValueSatisfying(
            v -> {
              assertThat(v.kind()).isEqualTo(Violation.Kind.I1_STOP_COUNT);
              assertThat(v.detail())
                  .contains("LONG open with 0 working stops of its side (and 1 of the other)");
            });
  }

  @Test
  void aStopOfItsOwnSide_placedByHand_protectsIt() {
    replaceTheStopBy(PositionSide.LONG, "63000"); // a LONG's stop: below the mark

    assertThat(after(Duration.ofSeconds(10))).isEmpty();
    assertThat(after(Duration.ofSeconds(10))).isEmpty();
  }
}
