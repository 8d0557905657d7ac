package io.positionkeeper.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.binance.auth.Credentials;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every REST fault mode of the emulator, with what the port promises: the taxonomy of exceptions,
 * no second order after an unknown outcome, no request storm under a rate limit.
 */
class BinanceGatewayFaultTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");

  // Venue and client share one manual clock: rate-limit waits pass when the test says so.
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00.250Z"));
  private BinanceEmulator venue;
  private BinanceGateway gateway;

  @BeforeEach
  void start() {
    venue = BinanceEmulator.start(clock);
    gateway = new BinanceGateway(venue.config(), venue.credentials(), clock);
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

  private static MarketOrderRequest closeLong(String id) {
    return new MarketOrderRequest(
        BTC, Side.SELL, new BigDecimal("0.010"), ClientOrderId.of(id), true);
  }

  private long orderPosts() {
    return venue.requestCount("POST", "/fapi/v1/order");
  }

  @Test
  void serverErrorOnAnOrder_isOutcomeUnknown_onARead_isRetryable() {
    venue.faults().failNext("POST", "/fapi/v1/order", 1, 502, 0, "Bad Gateway");
    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-5xx")))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("POST /fapi/v1/order")
        .hasMessageContaining("502");

    venue.faults().serverErrorNext("GET", "/fapi/v3/positionRisk", 1);
    assertThatThrownBy(() -> gateway.positions()).isInstanceOf(RetryableException.class);
  }

  @Test
  void venueTimeoutAfterTheOrderLanded_isOutcomeUnknown_andTheRetryReportsTheFirstOrder() {
    venue.faults().timeoutAfterEffect("POST", "/fapi/v1/order");

    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-1007")))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("-1007");
    // The port says: query before retrying. The order is there.
    assertThat(gateway.queryOrder(BTC, ClientOrderId.of("e-1007")))
        .hasValueSatisfying(o -> assertThat(o.status()).isEqualTo(OrderStatus.FILLED));
    // A retry with the same client id does not double the position.
    OrderReport retried = gateway.placeMarketOrder(buy("e-1007"));
    assertThat(retried.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(venue.positionAmount("BTCUSDT")).isEqualByComparingTo("0.010");
  }

  @Test
  void unknownMinus1006_isOutcomeUnknown() {
    venue
        .faults()
        .failNextAfterEffect(
            "POST",
            "/fapi/v1/order",
            500,
            -1006,
            "An unexpected response was received from the message bus. Execution status unknown.");

    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-1006")))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThat(venue.positionAmount("BTCUSDT")).isEqualByComparingTo("0.010");
  }

  @Test
  void noAnswerWithinTheRequestTimeout_isOutcomeUnknown_andTheOrderDidLand() {
    BinanceGateway impatient =
        new BinanceGateway(
            venue.config().withRequestTimeout(Duration.ofMillis(300)), venue.credentials(), clock);
    try {
      impatient.serverTime(); // offset measured before the latency starts
      impatient.instruments();
      venue.faults().latency("POST", "/fapi/v1/order", Duration.ofSeconds(3));

      assertThatThrownBy(() -> impatient.placeMarketOrder(buy("e-slow")))
          .isInstanceOf(OutcomeUnknownException.class)
          .hasMessageContaining("no answer within");
      assertThat(venue.ordersWithClientId("e-slow")).isEqualTo(1);
    } finally {
      impatient.close();
    }
  }

  @Test
  void aClosedVenue_isRetryable_becauseNothingWasSent() {
    venue.close();

    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-refused")))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("not sent");
  }

  @Test
  void http429WithRetryAfter_isRateLimited_andHoldsBackFurtherRequestsUntilTheWaitPassed() {
    gateway.serverTime();
    venue.faults().rateLimitNext("POST", "/fapi/v1/order", 1, 429, 7);

    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-429")))
        .isInstanceOfSatisfying(
            RateLimitedException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    long sentAfterRefusal = venue.requests().size();

    // No storm: every kind of call fails here, without reaching the venue.
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-429")))
          .isInstanceOf(RateLimitedException.class);
      assertThatThrownBy(() -> gateway.positions()).isInstanceOf(RateLimitedException.class);
    }
    clock.advance(Duration.ofSeconds(3));
    assertThatThrownBy(() -> gateway.markPrice(BTC))
        .isInstanceOfSatisfying(
            RateLimitedException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(4)));
    assertThat(venue.requests()).hasSize((int) sentAfterRefusal);

    clock.advance(Duration.ofSeconds(4));
    assertThat(gateway.placeMarketOrder(buy("e-429")).status()).isEqualTo(OrderStatus.FILLED);
  }

  @Test
  void http418Ban_holdsBackEverything_evenReduceOnlyOrders() {
    gateway.placeMarketOrder(buy("e-ban"));
    venue.faults().rateLimitNext("GET", "/fapi/v1/premiumIndex", 1, 418, 120);

    assertThatThrownBy(() -> gateway.markPrice(BTC))
        .isInstanceOfSatisfying(
            RateLimitedException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(120)));
    long sent = orderPosts();
    assertThatThrownBy(() -> gateway.placeMarketOrder(closeLong("x-ban")))
        .isInstanceOf(RateLimitedException.class);
    assertThat(orderPosts()).isEqualTo(sent);

    clock.advance(Duration.ofSeconds(120));
    assertThat(gateway.placeMarketOrder(closeLong("x-ban")).status()).isEqualTo(OrderStatus.FILLED);
  }

  @Test
  void minus1008Throttling_holdsBackNewOrders_butReduceOnlyAndClosePositionStillGoOut() {
    gateway.placeMarketOrder(buy("e-open"));
    venue.faults().throttleOrders(1);

    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-more")))
        .isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("-1008");
    long sent = orderPosts();
    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-more")))
        .isInstanceOf(RateLimitedException.class);
    assertThat(orderPosts()).as("the second new order is not sent").isEqualTo(sent);

    // Protecting and closing are exempt.
    assertThat(
            gateway
                .placeStopLoss(
                    new StopLossRequest(
                        BTC,
                        PositionSide.LONG,
                        new BigDecimal("49000.0"),
                        ClientOrderId.of("sl-t")))
                .status())
        .isEqualTo(StopStatus.WORKING);
    assertThat(gateway.placeMarketOrder(closeLong("x-close")).status())
        .isEqualTo(OrderStatus.FILLED);
    assertThat(venue.positionAmount("BTCUSDT")).isZero();
  }

  @Test
  void clockSkew_isMeasuredBeforeTheFirstSignedCall() {
    venue.faults().clockSkew(Duration.ofSeconds(-30)); // the venue is 30 s behind us

    assertThat(gateway.placeMarketOrder(buy("e-skew")).status()).isEqualTo(OrderStatus.FILLED);
  }

  @Test
  void minus1021_resyncsTheServerTimeOffset_andRetriesOnce() {
    gateway.serverTime();
    venue.faults().clockSkew(Duration.ofSeconds(20)); // the venue jumps 20 s ahead

    assertThat(gateway.placeMarketOrder(buy("e-1021")).status()).isEqualTo(OrderStatus.FILLED);
    assertThat(venue.requestCount("GET", "/fapi/v1/order"))
        .as("the look-up before the order: one refused attempt, one accepted")
        .isEqualTo(2);
    assertThat(orderPosts()).isEqualTo(1);
    assertThat(venue.ordersWithClientId("e-1021")).isEqualTo(1);
  }

  @Test
  void theAllStopsRead_ofWeight40_isHeldBackWhenItWouldPassTheMinutesWeight_aLightReadStillGoes() {
    venue.faults().reportUsedWeight(2380);
    gateway.serverTime();
    long sent = venue.requests().size();

    assertThatThrownBy(() -> gateway.allOpenStopLosses())
        .isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("weight");
    assertThat(venue.requests()).hasSize((int) sent);
    assertThat(gateway.openStopLosses(BTC)).isEmpty();

    clock.advance(Duration.ofSeconds(60));
    venue.faults().reportUsedWeight(40);
    assertThat(gateway.allOpenStopLosses()).isEmpty();
  }

  @Test
  void usedWeightAtTheLimit_holdsBackReadsUntilTheMinuteRollsOver_ordersStillGo() {
    gateway.instruments(); // the rules are read at start; an order does not wait for a refresh
    venue.faults().reportUsedWeight(2400);
    gateway.serverTime();
    venue.faults().reportUsedWeight(10);
    long sent = venue.requests().size();

    assertThatThrownBy(() -> gateway.markPrice(BTC))
        .isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("weight");
    assertThat(venue.requests()).hasSize((int) sent);
    // Orders cost no IP weight on Binance.
    assertThat(gateway.placeMarketOrder(buy("e-weight")).status()).isEqualTo(OrderStatus.FILLED);

    clock.advance(Duration.ofSeconds(60));
    assertThat(gateway.markPrice(BTC).price()).isEqualByComparingTo("50000");
  }

  @Test
  void unreadableAnswerToAnOrder_isOutcomeUnknown_toARead_isRetryable() {
    venue.faults().answerNext("POST", "/fapi/v1/order", 200, "<html>proxy error</html>");
    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-html")))
        .isInstanceOf(OutcomeUnknownException.class);

    venue
        .faults()
        .answerNext(
            "POST",
            "/fapi/v1/order",
            200,
            "{\"symbol\":\"BTCUSDT\",\"orderId\":\"8.3E18\",\"clientOrderId\":\"e-html2\"}");
    // A new id: the first one is in doubt now, and the gateway does not send it again.
    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("e-html2")))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("'orderId' is not a 64-bit integer: '8.3E18'");

    venue.faults().answerNext("GET", "/fapi/v1/premiumIndex", 200, "{\"symbol\":\"BTCUSDT\"}");
    assertThatThrownBy(() -> gateway.markPrice(BTC))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("markPrice");
  }

  @Test
  void aPositionRowThatCannotBeRead_makesTheSnapshotIncomplete_neverSilentlyShorter() {
    venue
        .faults()
        .answerNext(
            "GET",
            "/fapi/v3/positionRisk",
            200,
            "[{\"symbol\":\"BTCUSDT\",\"positionSide\":\"BOTH\",\"positionAmt\":\"0.010\","
                + "\"entryPrice\":\"50000\",\"markPrice\":\"50000\",\"updateTime\":1},"
                + "{\"symbol\":\"ETHUSDT\",\"positionSide\":\"BOTH\",\"positionAmt\":\"1..0\","
                + "\"entryPrice\":\"3000\",\"markPrice\":\"3000\",\"updateTime\":1}]");

    PositionSnapshot snapshot = gateway.positions();

    assertThat(snapshot)
        .isInstanceOfSatisfying(
            PositionSnapshot.Incomplete.class,
            s -> {
              assertThat(s.reason()).contains("ETHUSDT").contains("positionAmt");
              assertThat(s.positions()).hasSize(1);
            });
  }

  @Test
  void hedgeModeRows_makeTheSnapshotIncomplete() {
    venue
        .faults()
        .answerNext(
            "GET",
            "/fapi/v3/positionRisk",
            200,
            "[{\"symbol\":\"BTCUSDT\",\"positionSide\":\"LONG\",\"positionAmt\":\"0.010\","
                + "\"entryPrice\":\"50000\",\"markPrice\":\"50000\",\"updateTime\":1},"
                + "{\"symbol\":\"BTCUSDT\",\"positionSide\":\"SHORT\",\"positionAmt\":\"0\","
                + "\"entryPrice\":\"0\",\"markPrice\":\"50000\",\"updateTime\":1}]");

    assertThat(gateway.positions())
        .isInstanceOfSatisfying(
            PositionSnapshot.Incomplete.class,
            s -> assertThat(s.reason()).contains("one-way mode"));
  }

  @Test
  void wrongSecret_isRejectedAsInvalidSignature_wrongKey_asInvalidKey() {
    try (BinanceGateway wrongSecret =
            new BinanceGateway(
                venue.config(), Credentials.of(venue.apiKey(), "not-the-secret"), clock);
        BinanceGateway wrongKey =
            new BinanceGateway(
                venue.config(), Credentials.of("not-the-key", venue.apiSecret()), clock)) {
      assertThatThrownBy(() -> wrongSecret.positions())
          .isInstanceOfSatisfying(
              RejectedException.class, e -> assertThat(e.code()).isEqualTo("-1022"));
      assertThatThrownBy(() -> wrongKey.positions())
          .isInstanceOfSatisfying(
              RejectedException.class, e -> assertThat(e.code()).isEqualTo("-2015"));
    }
  }

  @Test
  void cancellingTheOldStopFails_afterTheReplacementWasPlaced_isOutcomeUnknownNamingBoth() {
    gateway.placeMarketOrder(buy("e-mv"));
    var old =
        gateway.placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-a")));
    venue.faults().failNext("DELETE", "/fapi/v1/algoOrder", 1, 503, 0, "Service Unavailable.");

    assertThatThrownBy(
            () ->
                gateway.moveStopLoss(
                    old,
                    new StopLossRequest(
                        BTC,
                        PositionSide.LONG,
                        new BigDecimal("49500.0"),
                        ClientOrderId.of("sl-b"))))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("sl-b")
        .hasMessageContaining("sl-a");
    // The position was never without a stop.
    assertThat(venue.algoStatus("sl-b")).hasValue("NEW");
    assertThat(venue.algoStatus("sl-a")).hasValue("NEW");
  }

  @Test
  void placingTheReplacementFails_asACrossing_leavesTheOldStopWorking() {
    gateway.placeMarketOrder(buy("e-mv2"));
    var old =
        gateway.placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-c")));

    assertThatThrownBy(
            () ->
                gateway.moveStopLoss(
                    old,
                    new StopLossRequest(
                        BTC,
                        PositionSide.LONG,
                        new BigDecimal("50500.0"),
                        ClientOrderId.of("sl-d"))))
        .isInstanceOfSatisfying(
            StopWouldTriggerException.class, e -> assertThat(e.code()).isEqualTo("-2021"));
    assertThat(venue.algoStatus("sl-c")).hasValue("NEW");
    assertThat(venue.requestCount("DELETE", "/fapi/v1/algoOrder")).isZero();
  }

  @Test
  void aStopPlacementWhoseAnswerWasLost_isReportedOnRetry_notRefused() {
    gateway.placeMarketOrder(buy("e-sl"));
    venue.faults().timeoutAfterEffect("POST", "/fapi/v1/algoOrder");
    StopLossRequest request =
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-lost"));

    assertThatThrownBy(() -> gateway.placeStopLoss(request))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThat(gateway.placeStopLoss(request).status()).isEqualTo(StopStatus.WORKING);
    assertThat(venue.openAlgoCount("BTCUSDT")).isEqualTo(1);
  }
}
