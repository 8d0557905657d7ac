package io.positionkeeper.domain.keeper;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.intent;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.venue.StopPlacement;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.StopOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stop placement answered "unknown" (a 5xx, a timeout, one of Bybit's ambiguous retCodes) that
 * did not land. Both venue adapters count such a stop as absent only after several reads over some
 * seconds (3 over 10 s by default: the venue can show a write late), longer than the 5 s stop
 * deadline; the fake here keeps that promise. The keeper used to give up at the deadline with the
 * doubt unsettled and close the position at market. It now waits for the venue's answer, then
 * places the stop again under a new client id; a stop that never lands still ends in an emergency
 * close, within the deadline and the settle allowance.
 */
class AmbiguousStopScenariosTest {
  private static final Duration PROOF_WINDOW = Duration.ofSeconds(10);

  private static Harness harness(FakeExchange.Flavour flavour) {
    Harness h = new Harness();
    h.exchange.flavour(flavour).stopDoubtProvenAbsentAfter(3, PROOF_WINDOW);
    return h;
  }

  private static OutcomeUnknownException unavailable() {
    return new OutcomeUnknownException("503 Service Unavailable");
  }

  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void anOpeningsStopAnswered5xxWithoutEffect_isPlacedAgainOnceTheVenueShowsItAbsent(
      FakeExchange.Flavour flavour) {
    Harness h = harness(flavour);
    h.exchange.faults().failNext(FakeExchange.Op.PLACE_STOP, unavailable());
    Instant began = h.clock.now();

    OpenResult result = h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    var opened = (OpenResult.Opened) result;
    assertThat(h.exchange.positionSize(BTC)).isEqualByComparingTo("0.015");
    List<StopOrder> working = h.exchange.workingStops(BTC);
    assertThat(working).hasSize(1);
    assertThat(working.get(0).triggerPrice()).isEqualByComparingTo(opened.stopPrice());
    var row = h.store.find(opened.positionId()).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(row.stopClientId()).contains(working.get(0).clientId());
    // Sent again only once the venue had shown it absent, never to find out.
    assertThat(h.exchange.faults().calls(FakeExchange.Op.PLACE_STOP)).isEqualTo(2);
    assertThat(Duration.between(began, h.clock.now())).isGreaterThanOrEqualTo(PROOF_WINDOW);
    assertThat(h.journal.recordsOf(opened.positionId()))
        .filteredOn(r -> r.type().equals("STOP_PLACED"))
        .singleElement()
        .satisfies(r -> assertThat(r.payload()).containsEntry("attempts", "2"));
    assertThat(h.types()).contains("STOP_PLACEMENT_FAILED").doesNotContain("EMERGENCY_CLOSE");
    assertThat(h.everyOpenPositionHasExactlyOneStop()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void aReplacedStopAnswered5xxWithoutEffect_isPlacedAgainOnceTheVenueShowsItAbsent(
      FakeExchange.Flavour flavour) {
    Harness h = harness(flavour);
    var opened = (OpenResult.Opened) h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));
    StopOrder first = h.exchange.workingStops(BTC).get(0);
    h.exchange.faults().failNext(FakeExchange.Op.PLACE_STOP, unavailable());

    h.exchange.cancelStopExternally(first.clientId());
    h.clock.advance(Duration.ofSeconds(40));

    assertThat(h.exchange.positionSize(BTC)).isEqualByComparingTo("0.015");
    List<StopOrder> working = h.exchange.workingStops(BTC);
    assertThat(working).hasSize(1);
    assertThat(working.get(0).clientId()).isNotEqualTo(first.clientId());
    assertThat(working.get(0).triggerPrice()).isEqualByComparingTo(opened.stopPrice());
    assertThat(h.store.find(opened.positionId()).orElseThrow().stopClientId())
        .contains(working.get(0).clientId());
    assertThat(h.types()).contains("STOP_PLACEMENT_FAILED").doesNotContain("EMERGENCY_CLOSE");
  }

  /** Scenario 7's other half stays true when every answer is ambiguous. */
  @ParameterizedTest
  @EnumSource(
      value = FakeExchange.Flavour.class,
      names = {"BINANCE", "BYBIT"})
  void aStopAnsweredUnknownEveryTime_endsInAnEmergencyCloseWithinTheAllowance(
      FakeExchange.Flavour flavour) {
    Harness h = harness(flavour);
    h.exchange.faults().failAlways(FakeExchange.Op.PLACE_STOP, unavailable());
    Instant began = h.clock.now();

    OpenResult result = h.keeper.open(intent(BTC, PositionSide.LONG, "1000", "i-1"));

    assertThat(result).isInstanceOf(OpenResult.Failed.class);
    var failed = (OpenResult.Failed) result;
    assertThat(failed.stage()).isEqualTo("STOP_LOSS");
    assertThat(failed.cleanlyRolledBack()).isTrue();
    assertThat(h.exchange.openPositions()).isEmpty();
    assertThat(h.store.all().get(0).closeReason()).contains(CloseReason.EMERGENCY);
    assertThat(h.types()).contains("STOP_PLACEMENT_FAILED", "EMERGENCY_CLOSE");
    // Each ambiguous attempt waited for its absence proof; the whole stays bounded.
    assertThat(h.exchange.faults().calls(FakeExchange.Op.PLACE_STOP)).isBetween(2, 4);
    assertThat(Duration.between(began, h.clock.now()))
        .isLessThan(
            Duration.ofSeconds(5)
                .plus(StopPlacement.STANDARD_SETTLE_ALLOWANCE)
                .plus(Duration.ofSeconds(5)));
  }
}
