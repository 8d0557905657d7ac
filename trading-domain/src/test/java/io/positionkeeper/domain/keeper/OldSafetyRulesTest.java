package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OldOpenings;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.reconcile.OldReconcileRules;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Each old rule that the simulator's teeth put back through the keeper's {@link Safeguards} really
 * is the defect: the scenario of {@link SafetyCoreScenariosTest} that the standard rule passes
 * breaks with it. Without this, a tooth that "is never caught" could be a rule that changes
 * nothing.
 */
class OldSafetyRulesTest {

  private static Harness with(Safeguards safeguards) {
    return new Harness(KeeperPolicy.standard(), safeguards);
  }

  @Test
  void reconcilingWhileTheOpenerPlaces_givesTwoStops() {
    Harness h =
        with(Safeguards.standard().withReconcile(OldReconcileRules.protectingWhileTheOpenerDoes()));
    h.exchange.faults().failNext(FakeExchange.Op.PLACE_STOP, new RetryableException("503"));
    h.clock.schedule(Duration.ofMillis(10), h.keeper::reconcile);

    h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(h.exchange.workingStops(BTC)).hasSize(2);
  }

  @Test
  void aRollbackThatIgnoresTheVenue_stripsTheStopOfAPositionItCouldNotClose() {
    Harness h = with(Safeguards.standard().withRollback(OldOpenings.rollbackStrippingTheStop()));
    h.store
        .faults()
        .failNext(
            InMemoryPositionStore.Op.RECORD_STOP,
            new RejectedException("23514", "check constraint refused the stop"));
    h.exchange
        .faults()
        .failAfter(FakeExchange.Op.PLACE_ORDER, 1, new RejectedException("-1008", "overloaded"));

    h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(h.exchange.positionSize(BTC)).isPositive();
    assertThat(h.exchange.workingStops(BTC)).isEmpty();
    assertThat(h.store.loadOpen()).isEmpty();
  }

  @Test
  void withoutTheIntentGuard_aRetriedIntentSendsASecondEntryOrder() {
    Harness h = with(Safeguards.standard().withIntentGuard(OldOpenings.noIntentGuard()));
    h.exchange
        .faults()
        .failNext(FakeExchange.Op.PLACE_STOP, new RejectedException("-2021", "would trigger"));
    h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    int ordersBefore = h.exchange.orderRequests().size();

    var again = h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(again).isNotInstanceOf(OpenResult.Refused.class);
    assertThat(h.exchange.orderRequests().size()).isGreaterThan(ordersBefore);
  }

  @Test
  void aRollbackSkippedOnTheUnexpected_leavesTheFillUnprotected() {
    Harness raw = new Harness();
    // The entry order lands and the driver throws reading its answer: a bug outside the ports'
    // taxonomy after the fill, before any stop.
    ExchangeGateway throwingAfterTheEntry =
        new ForwardingGateway(raw.exchange) {
          @Override
          public OrderReport placeMarketOrder(MarketOrderRequest request) {
            venue().placeMarketOrder(request);
            throw new IllegalStateException("driver bug reading the entry's answer");
          }
        };
    Keeper keeper =
        Keeper.builder(raw.clock, raw.store, raw.trailingStore)
            .venue(throwingAfterTheEntry, raw.exchange)
            .safeguards(
                Safeguards.standard().withRollback(OldOpenings.rollbackSkippedOnTheUnexpected()))
            .audit(raw.sink)
            .io(Runnable::run)
            .build();
    raw.keeper.stop();
    keeper.start();

    assertThatThrownBy(() -> keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(raw.exchange.positionSize(BTC)).isPositive();
    assertThat(raw.exchange.workingStops(BTC)).isEmpty();
    assertThat(raw.store.loadOpen())
        .extracting(r -> r.status())
        .doesNotContain(PositionStatus.ACTIVE);
  }
}
