package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A position that ends without its stop firing (closed by hand on the venue, liquidated) leaves a
 * close-position stop behind: the venue keeps it. Left there, it closes the next position on the
 * symbol or stands beside its stop as a second one. BTC long at 64,000, stop-loss 62,720.
 */
class StopCleanupScenariosTest {
  private final Harness h = new Harness();

  private OpenResult.Opened open(String intentId) {
    return (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "1000", intentId));
  }

  private PositionRecord row(long id) {
    return h.store.find(id).orElseThrow();
  }

  @Test
  void aPositionClosedByHand_leavesNoStopOnTheVenue_andTheNextPositionHasExactlyOne() {
    var first = open("i-1");
    assertThat(h.exchange.workingStops(BTC)).hasSize(1);

    h.exchange.closeExternally(BTC);

    assertThat(row(first.positionId()).status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(h.exchange.workingStops(BTC)).isEmpty();
    assertThat(h.types()).contains("STOP_CANCELLED");

    var second = open("i-2");
    assertThat(h.exchange.workingStops(BTC))
        .singleElement()
        .extracting(StopOrder::clientId)
        .isEqualTo(row(second.positionId()).stopClientId().orElseThrow());
  }

  @Test
  void aStopCancelThatFails_isRetried_andNeverTouchesTheNextPositionsStop() {
    var first = open("i-1");
    var firstStop = row(first.positionId()).stopClientId().orElseThrow();
    h.exchange.faults().failNext(FakeExchange.Op.CANCEL_STOP, new RetryableException("503"));

    h.exchange.closeExternally(BTC);
    assertThat(h.exchange.workingStops(BTC)).extracting(StopOrder::clientId).contains(firstStop);

    var second = open("i-2");
    var secondStop = row(second.positionId()).stopClientId().orElseThrow();
    h.clock.advance(Duration.ofSeconds(2)); // the keeper's timer retries the cleanup

    assertThat(h.exchange.workingStops(BTC))
        .singleElement()
        .extracting(StopOrder::clientId)
        .isEqualTo(secondStop);
    assertThat(row(second.positionId()).status()).isEqualTo(PositionStatus.ACTIVE);
  }

  @Test
  void aPositionClosedByHand_takesItsExitFromTheVenuesFills_neverFromAStaleMark() {
    var opened = open("i-1");
    // The venue's mark moves, and the stream loses the update: the book still has the old one.
    h.exchange.dropNext(StreamEvent.MarkPriceChanged.class, 1);
    h.exchange.setMarkPrice(BTC, new BigDecimal("63000"));

    h.exchange.closeExternally(BTC); // filled at the venue's mark, 63,000

    PositionRecord row = row(opened.positionId());
    assertThat(row.closeReason()).contains(CloseReason.EXTERNAL);
    assertThat(row.exitPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("63000"));
    assertThat(row.realizedPnl())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("-15"));
  }

  @Test
  void aStopLeftBehindWhenTheProcessEnded_isCancelledByReconciliationAfterTheRestart() {
    var first = open("i-1");
    var stop = row(first.positionId()).stopClientId().orElseThrow();
    h.exchange.faults().failAlways(FakeExchange.Op.CANCEL_STOP, new RetryableException("503"));
    h.exchange.closeExternally(BTC);
    assertThat(row(first.positionId()).status()).isEqualTo(PositionStatus.CLOSED);
    h.keeper.stop(); // the process ends with the cancel still owed, and its memory with it
    h.exchange.faults().clear(FakeExchange.Op.CANCEL_STOP);
    assertThat(h.exchange.workingStops(BTC)).extracting(StopOrder::clientId).contains(stop);

    Keeper restarted =
        Keeper.builder(h.clock, h.store, h.trailingStore)
            .venue(h.exchange, h.exchange)
            .audit(h.sink)
            .io(Runnable::run)
            .build();
    restarted.start(); // reconciles before it takes opens

    assertThat(h.exchange.workingStops(BTC)).isEmpty();
    assertThat(h.types()).contains("STOP_CANCELLED");
  }

  /**
   * Simulator seed 1000379 (Binance, the soak's plan, step 4524): a trailing move whose cancel half
   * failed left the old stop working beside the new one. The periodic reconciliation's cancel of
   * that extra stop failed too (a driver's bug), and a run whose action failed settled nothing yet
   * owed nothing either: the extra stop stood until the next period, 79.6 s in all.
   */
  @Test
  void anExtraStopWhoseCancelFailsInThePeriodicRun_isCancelledWithinSecondsOfTheVenueTakingIt() {
    // Binance's move: the replacement placed, then the old stop cancelled by a call of its own.
    h.exchange.flavour(FakeExchange.Flavour.BINANCE);
    open("i-1");
    h.clock.advance(Duration.ofSeconds(61)); // past the first periodic run
    // The move's cancel half fails, and so does every cancel after it until the venue is back.
    h.exchange.faults().failNext(FakeExchange.Op.CANCEL_STOP, new RetryableException("503"));
    h.exchange.faults().failAlways(FakeExchange.Op.CANCEL_STOP, new RetryableException("503"));
    h.exchange.setMarkPrice(BTC, new BigDecimal("66000"));
    h.clock.advance(Duration.ofSeconds(2));
    assertThat(h.exchange.workingStops(BTC)).as("the move left the old stop").hasSize(2);
    // The periodic run (two minutes after the start) cannot cancel it either.
    h.clock.advance(Duration.ofSeconds(62));
    assertThat(h.exchange.workingStops(BTC)).hasSize(2);

    h.exchange.faults().clear(FakeExchange.Op.CANCEL_STOP);
    h.clock.advance(Duration.ofSeconds(10));

    assertThat(h.exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("65670"));
  }
}
