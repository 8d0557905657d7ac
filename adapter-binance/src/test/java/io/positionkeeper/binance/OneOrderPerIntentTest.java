package io.positionkeeper.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.binance.http.BinanceHttp;
import io.positionkeeper.binance.http.BinanceRestClient;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The venue's client-id rule (unique among open orders only) and lasting ambiguity, against the
 * strict emulator: one order per client id whatever the venue allows, "absent" only after a bounded
 * series of queries over a bounded time, and stop cancels confirmed against the open stops.
 */
class OneOrderPerIntentTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Duration LATE = Duration.ofMillis(400);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00.250Z"));
  private BinanceEmulator venue;
  private BinanceGateway gateway;

  @BeforeEach
  void start() {
    venue = BinanceEmulator.start(clock);
    gateway =
        new BinanceGateway(
            venue.config(),
            venue.credentials(),
            clock,
            TradingSettings.defaults().withAbsenceProof(3, Duration.ofSeconds(10)));
    venue.setMarkPrice(BTC, new BigDecimal("50000.00"));
  }

  @AfterEach
  void stop() {
    gateway.close();
    venue.close();
  }

  private static MarketOrderRequest buy(String id) {
    return new MarketOrderRequest(
        BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of(id), false);
  }

  private static StopLossRequest stopAt(String trigger, String id) {
    return new StopLossRequest(
        BTC, PositionSide.LONG, new BigDecimal(trigger), ClientOrderId.of(id));
  }

  private long orderPosts() {
    return venue.requestCount("POST", "/fapi/v1/order");
  }

  @Test
  void theVenue_acceptsTheIdOfAFilledOrderAgain_andRefusesOnlyTheIdOfAnOpenStop() {
    BinanceRestClient raw =
        new BinanceRestClient(new BinanceHttp(venue.config(), venue.credentials(), clock));
    raw.newMarketOrder("BTCUSDT", "BUY", new BigDecimal("0.010"), "same-id", false);
    raw.newMarketOrder("BTCUSDT", "BUY", new BigDecimal("0.010"), "same-id", false);
    assertThat(venue.ordersWithClientId("same-id")).isEqualTo(2);
    assertThat(venue.positionAmount("BTCUSDT")).isEqualByComparingTo("0.020");

    raw.newClosePositionStop("BTCUSDT", "SELL", new BigDecimal("49000"), "same-stop", false);
    assertThatThrownBy(
            () ->
                raw.newClosePositionStop(
                    "BTCUSDT", "SELL", new BigDecimal("48000"), "same-stop", false))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("-4116"));
    raw.cancelAlgoOrder("same-stop");
    raw.newClosePositionStop("BTCUSDT", "SELL", new BigDecimal("48000"), "same-stop", false);
    assertThat(venue.algosWithClientId("same-stop")).isEqualTo(2);
    raw.http().close();
  }

  @Test
  void aMarketOrderSentAgainAfterItFilled_isReported_notSentTwice() {
    OrderReport first = gateway.placeMarketOrder(buy("e-again"));
    OrderReport second = gateway.placeMarketOrder(buy("e-again"));

    assertThat(second.orderId()).isEqualTo(first.orderId());
    assertThat(orderPosts()).isEqualTo(1);
    assertThat(venue.ordersWithClientId("e-again")).isEqualTo(1);
    assertThat(venue.positionAmount("BTCUSDT")).isEqualByComparingTo("0.010");
  }

  @Test
  void anIdThatNamesADifferentOrder_isRejected_notReportedAsThisOne() {
    gateway.placeMarketOrder(buy("e-other"));

    assertThatThrownBy(
            () ->
                gateway.placeMarketOrder(
                    new MarketOrderRequest(
                        BTC,
                        Side.SELL,
                        new BigDecimal("0.010"),
                        ClientOrderId.of("e-other"),
                        true)))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> assertThat(e.code()).isEqualTo(BinanceGateway.CLIENT_ID_USED));
    assertThat(orderPosts()).isEqualTo(1);
  }

  @Test
  void theIdOfACancelledStop_isNotPlacedAgain() {
    gateway.placeMarketOrder(buy("e-stop"));
    gateway.placeStopLoss(stopAt("49000.0", "sl-used"));
    gateway.cancelStopLoss(BTC, ClientOrderId.of("sl-used"));

    assertThatThrownBy(() -> gateway.placeStopLoss(stopAt("49000.0", "sl-used")))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> assertThat(e.code()).isEqualTo(BinanceGateway.CLIENT_ID_USED));
    assertThat(venue.algosWithClientId("sl-used")).isEqualTo(1);
    assertThat(gateway.openStopLosses(BTC)).isEmpty();
  }

  @Test
  void anOrderAppliedAfterItsTimeoutAnswer_isUnknownUntilItShows_andNeverSentAgain() {
    venue.faults().timeoutAndApplyLate("POST", "/fapi/v1/order", LATE);

    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-late")))
        .isInstanceOf(OutcomeUnknownException.class);
    // The venue answers -2013 for now: not proof of absence.
    assertThatThrownBy(() -> gateway.queryOrder(BTC, ClientOrderId.of("e-late")))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("not found");
    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-late")))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThat(orderPosts()).as("never resent while in doubt").isEqualTo(1);

    RecordingListener.awaitTrue(
        "the late order", () -> venue.positionAmount("BTCUSDT").signum() > 0);
    assertThat(gateway.queryOrder(BTC, ClientOrderId.of("e-late"))).isPresent();
    assertThat(gateway.placeMarketOrder(buy("e-late")).clientOrderId().value()).isEqualTo("e-late");
    assertThat(venue.ordersWithClientId("e-late")).isEqualTo(1);
    assertThat(venue.positionAmount("BTCUSDT")).isEqualByComparingTo("0.010");
  }

  @Test
  void anOrderThatNeverLands_isAbsentOnlyAfterEnoughQueriesOverEnoughTime() {
    venue.faults().failNext("POST", "/fapi/v1/order", 1, 502, 0, "Bad Gateway");
    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-lost")))
        .isInstanceOf(OutcomeUnknownException.class);

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> gateway.queryOrder(BTC, ClientOrderId.of("e-lost")))
          .as("query %d, within the window", i + 1)
          .isInstanceOf(OutcomeUnknownException.class);
      clock.advance(Duration.ofSeconds(3));
    }
    // Three answers, but the last came 6 s after the ambiguous one: still too early.
    assertThatThrownBy(() -> gateway.queryOrder(BTC, ClientOrderId.of("e-lost")))
        .isInstanceOf(OutcomeUnknownException.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(gateway.queryOrder(BTC, ClientOrderId.of("e-lost"))).isEmpty();
    // Proven absent: the same intent may now be sent.
    gateway.placeMarketOrder(buy("e-lost"));
    assertThat(venue.ordersWithClientId("e-lost")).isEqualTo(1);
  }

  @Test
  void aStopPlacedLate_makesTheStopListUnknownUntilItShows_thenListsIt() {
    gateway.placeMarketOrder(buy("e-sl-late"));
    venue.faults().timeoutAndApplyLate("POST", "/fapi/v1/algoOrder", LATE);

    assertThatThrownBy(() -> gateway.placeStopLoss(stopAt("49000.0", "sl-late")))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThatThrownBy(() -> gateway.openStopLosses(BTC))
        .isInstanceOf(OutcomeUnknownException.class);

    RecordingListener.awaitTrue("the late stop", () -> venue.openAlgoCount("BTCUSDT") == 1);
    assertThat(gateway.openStopLosses(BTC))
        .extracting(StopOrder::clientId)
        .containsExactly(ClientOrderId.of("sl-late"));
    assertThat(gateway.placeStopLoss(stopAt("49000.0", "sl-late")).clientId().value())
        .isEqualTo("sl-late");
    assertThat(venue.openAlgoCount("BTCUSDT")).isEqualTo(1);
  }

  @Test
  void aStopCancelAnsweredUnknownOrder_whileTheStopIsStillListed_isRetryable() {
    gateway.placeMarketOrder(buy("e-cancel"));
    gateway.placeStopLoss(stopAt("49000.0", "sl-listed"));
    venue.faults().failNext("DELETE", "/fapi/v1/algoOrder", 1, 400, -2011, "Unknown order sent.");

    assertThatThrownBy(() -> gateway.cancelStopLoss(BTC, ClientOrderId.of("sl-listed")))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("still listed");
    assertThat(venue.openAlgoCount("BTCUSDT")).isEqualTo(1);

    gateway.cancelStopLoss(BTC, ClientOrderId.of("sl-listed"));
    assertThat(venue.openAlgoCount("BTCUSDT")).isZero();
    gateway.cancelStopLoss(BTC, ClientOrderId.of("sl-listed")); // gone, and confirmed gone
  }

  @Test
  void aStopCancelAnsweredTriggering_isRetryable() {
    gateway.placeMarketOrder(buy("e-4117"));
    gateway.placeStopLoss(stopAt("49000.0", "sl-4117"));
    venue
        .faults()
        .failNext(
            "DELETE", "/fapi/v1/algoOrder", 1, 400, -4117, "Stop order is in triggering process.");

    assertThatThrownBy(() -> gateway.cancelStopLoss(BTC, ClientOrderId.of("sl-4117")))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("-4117");
  }
}
