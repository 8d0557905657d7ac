package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static io.positionkeeper.domain.Harness.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A position whose stop cannot be placed is closed at market, once, by whoever started the close.
 * The runner's fault campaign saw two emergency closes of one position: the opener's close waited
 * out the venue's rate limit, a reconciliation inside that wait found the CLOSING position without
 * a stop, failed to place one too and started a close of its own.
 */
class EmergencyCloseScenariosTest {
  private final Harness h = new Harness();

  @Test
  void aReconciliationWhileTheOpenersEmergencyCloseWaitsOutALimit_leavesTheCloseToTheOpener() {
    h.clock.advance(Duration.ofSeconds(1));
    h.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    h.exchange
        .faults()
        .failAlways(FakeExchange.Op.PLACE_STOP, new RejectedException("-2010", "stop refused"))
        // The entry goes through; every order after it meets the limit until it lifts.
        .failAfter(
            FakeExchange.Op.PLACE_ORDER, 1, new RateLimitedException("418", Duration.ofSeconds(3)));
    h.clock.schedule(Duration.ofSeconds(1), () -> h.keeper.reconcile());
    h.clock.schedule(
        Duration.ofMillis(2_500),
        () -> h.exchange.faults().endFailAfter(FakeExchange.Op.PLACE_ORDER));

    var result = h.keeper.open(intent(BTC, PositionSide.LONG, "300", "l-1"));

    assertThat(result).isInstanceOf(OpenResult.Failed.class);
    assertThat(h.exchange.openPositions()).isEmpty();
    assertThat(h.exchange.exitFills()).as("close orders filled").hasSize(1);
    List<AuditRecord> emergencies =
        h.journal.records().stream().filter(r -> r.type().equals("EMERGENCY_CLOSE")).toList();
    assertThat(emergencies).as("emergency closes recorded").hasSize(1);
    assertThat(emergencies.get(0).payload()).containsEntry("succeeded", "true");
    assertThat(h.store.loadOpen()).isEmpty();
  }

  @Test
  void aSecondCloseOfAPositionWhoseCloseIsUnderWay_isToldSoAndSendsNothing() {
    h.clock.advance(Duration.ofSeconds(1));
    h.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    var opened = (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "300", "l-1"));
    h.exchange
        .faults()
        .failNext(
            FakeExchange.Op.PLACE_ORDER, new RateLimitedException("429", Duration.ofSeconds(2)));
    PositionCloser.CloseOutcome[] second = new PositionCloser.CloseOutcome[1];
    h.clock.schedule(Duration.ofSeconds(1), () -> second[0] = h.keeper.close(key(BTC)));

    var first = h.keeper.close(key(BTC));

    assertThat(first).isInstanceOf(PositionCloser.CloseOutcome.Closed.class);
    assertThat(second[0]).isInstanceOf(PositionCloser.CloseOutcome.Underway.class);
    assertThat(h.exchange.faults().calls(FakeExchange.Op.PLACE_ORDER))
        .as("the entry, the limited close and the close after the limit")
        .isEqualTo(3);
    assertThat(h.store.find(opened.positionId()).orElseThrow().status())
        .isEqualTo(PositionStatus.CLOSED);
  }

  /**
   * The runner's fault campaign saw it again with reconciliation owed every second: the opener's
   * emergency close was refused once; the refusal made the stopless position ACTIVE, so a
   * reconciliation between the opener's two attempts took it for unowned, tried a stop and a close
   * of its own, and recorded a second (failed) emergency close after the opener's went through. A
   * refused close gives the position back to whoever held it: a position still PROTECTING is its
   * opener's.
   */
  @Test
  void aCloseRefusedWhileTheOpenerStillProtectsThePosition_leavesItTheOpeners() {
    h.clock.advance(Duration.ofSeconds(1));
    h.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    Keeper[] keeper = new Keeper[1];
    PositionCloser.CloseOutcome[] refused = new PositionCloser.CloseOutcome[1];
    Phase[] afterRefusal = new Phase[1];
    ExchangeGateway gateway =
        new ForwardingGateway(h.exchange) {
          private boolean once;

          @Override
          public StopOrder placeStopLoss(StopLossRequest request) {
            if (!once) {
              once = true;
              // A close sent, and refused, while the opener places the position's first stop.
              h.exchange
                  .faults()
                  .failNext(
                      FakeExchange.Op.PLACE_ORDER, new RejectedException("-2022", "close refused"));
              refused[0] = keeper[0].close(key(BTC));
              afterRefusal[0] = keeper[0].positions().get(0).phase();
            }
            return venue().placeStopLoss(request);
          }
        };
    keeper[0] = h.keeperOver(gateway, h.store);

    var result = keeper[0].open(intent(BTC, PositionSide.LONG, "300", "l-1"));

    assertThat(refused[0]).isInstanceOf(PositionCloser.CloseOutcome.Failed.class);
    assertThat(afterRefusal[0]).isEqualTo(Phase.PROTECTING);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    assertThat(h.exchange.workingStops(BTC)).hasSize(1);
  }

  /** An opener that gives its emergency close up hands the position to reconciliation. */
  @Test
  void anOpenerWhoseEmergencyCloseIsRefusedEveryTime_handsThePositionToReconciliation() {
    h.clock.advance(Duration.ofSeconds(1));
    h.exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    h.exchange
        .faults()
        .failAlways(FakeExchange.Op.PLACE_STOP, new RejectedException("-2010", "stop refused"))
        .failAfter(FakeExchange.Op.PLACE_ORDER, 1, new RejectedException("-2022", "close refused"));

    var result = h.keeper.open(intent(BTC, PositionSide.LONG, "300", "l-1"));

    assertThat(result).isInstanceOf(OpenResult.Failed.class);
    assertThat(h.keeper.positions())
        .singleElement()
        .satisfies(p -> assertThat(p.phase()).isEqualTo(Phase.ACTIVE));
    h.exchange.faults().endFailAfter(FakeExchange.Op.PLACE_ORDER);
    h.exchange.faults().clear(FakeExchange.Op.PLACE_STOP);
    h.clock.advance(Duration.ofSeconds(70));
    assertThat(h.exchange.workingStops(BTC)).hasSize(1);
  }
}
