package io.positionkeeper.bybit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every fault mode of the emulator, with the behaviour the port promises for it. */
class BybitGatewayFaultTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final BigDecimal QTY = new BigDecimal("0.010");
  // A late write lands when the test calls landLateWrites, long before this delay runs out.
  private static final Duration LATE = Duration.ofMinutes(5);

  private BybitEmulator venue;
  private BybitAdapter adapter;

  @BeforeEach
  void start() {
    venue = BybitEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
    adapter = BybitAdapter.create(venue.config(), venue.credentials());
  }

  @AfterEach
  void stop() {
    adapter.close();
    venue.close();
  }

  private BybitGateway gateway() {
    return adapter.gateway();
  }

  private static MarketOrderRequest buy(String id, BigDecimal qty) {
    return new MarketOrderRequest(BTC, Side.BUY, qty, ClientOrderId.of(id), false);
  }

  @Test
  void retCode10006_isRateLimited_untilTheResetHeader_andNothingIsSent() {
    venue.faults().rateLimitNext(1, 800);

    assertThatThrownBy(() -> gateway().placeMarketOrder(buy("rl-1", QTY)))
        .isInstanceOfSatisfying(
            RateLimitedException.class,
            e ->
                assertThat(e.retryAfter())
                    .isBetween(Duration.ofMillis(300), Duration.ofMillis(900)));
    assertThat(venue.orderCreates()).isZero();
    assertThat(gateway().placeMarketOrder(buy("rl-1", QTY)).status()).isEqualTo(OrderStatus.FILLED);
  }

  @Test
  void http403_isTheIpLimit_withTheDocumentedTenMinuteWait() {
    venue.faults().ipBanNext(1);

    assertThatThrownBy(() -> gateway().positions())
        .isInstanceOfSatisfying(
            RateLimitedException.class,
            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(10)));
  }

  @Test
  void retCode10002_resyncsTheClock_andTheCallSucceeds() {
    venue.faults().skewClock(-30_000);

    assertThat(gateway().positions().positions()).isEmpty();

    assertThat(venue.requests())
        .extracting(BybitEmulator.RecordedRequest::path)
        .containsSubsequence("/v5/position/list", "/v5/market/time", "/v5/position/list");
  }

  @Test
  void aRejectedOrder_isRejectedWithTheVenuesCode_andOpensNothing() {
    venue.faults().rejectNextOrder(110007, "ab not enough for new order");

    assertThatThrownBy(() -> gateway().placeMarketOrder(buy("rej-1", QTY)))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("110007"));
    assertThat(gateway().positions().positions()).isEmpty();
  }

  @Test
  void anAmbiguousCreate_isUnknown_untilTheQueryFindsIt_andIsNeverSentAgain() {
    venue.faults().ambiguousNextWrite(LATE);
    MarketOrderRequest request = buy("amb-1", QTY);

    assertThatThrownBy(() -> gateway().placeMarketOrder(request))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThatThrownBy(() -> gateway().queryOrder(BTC, request.clientOrderId()))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThatThrownBy(() -> gateway().placeMarketOrder(request))
        .isInstanceOf(OutcomeUnknownException.class);
    venue.landLateWrites();
    assertThat(venue.ordersWithLinkId("amb-1")).isEqualTo(1);

    assertThat(gateway().queryOrder(BTC, request.clientOrderId()))
        .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(OrderStatus.FILLED));
    assertThat(gateway().placeMarketOrder(request).status()).isEqualTo(OrderStatus.FILLED);
    assertThat(venue.orderCreates()).isEqualTo(1);
    assertThat(gateway().positions().find(BTC).orElseThrow().signedSize())
        .isEqualByComparingTo(QTY);
  }

  @Test
  void anAmbiguousCreateThatNeverLands_isUnknown_thenAbsentAfterTheBoundedQueries() {
    // The adapter's clock moves on when the test says so: the doubt window passes at once.
    ShiftedClock clock = new ShiftedClock(Duration.ZERO);
    adapter.close();
    adapter = BybitAdapter.create(venue.config(), venue.credentials(), clock);
    // Not a multiple of qtyStep: the venue refuses it in the background, the answer is lost.
    venue.faults().ambiguousNextWrite(Duration.ZERO);
    MarketOrderRequest request = buy("amb-2", new BigDecimal("0.0105"));
    assertThatThrownBy(() -> gateway().placeMarketOrder(request))
        .isInstanceOf(OutcomeUnknownException.class);

    assertThatThrownBy(() -> gateway().queryOrder(BTC, request.clientOrderId()))
        .as("one answer of \"not there\", within the window: still unknown")
        .isInstanceOf(OutcomeUnknownException.class);
    // The emulator's config settles a doubt after 2 answers over 300 ms (well inside the venue's
    // 1 s tolerance for a timestamp ahead of its clock).
    clock.advance(Duration.ofMillis(300));

    assertThat(gateway().queryOrder(BTC, request.clientOrderId())).isEmpty();
  }

  @Test
  void aSlowVenue_makesAReadRetryable() {
    adapter.close();
    adapter =
        BybitAdapter.create(
            venue.configBuilder().requestTimeout(Duration.ofMillis(200)).build(),
            venue.credentials());
    venue.faults().latency(Duration.ofMillis(600));

    assertThatThrownBy(() -> gateway().instruments()).isInstanceOf(RetryableException.class);
  }

  @Test
  void anAmbiguousStop_isUnknown_whileNotListed_andListedUnderItsIdOnceItLands() {
    gateway().placeMarketOrder(buy("open-1", QTY));
    venue.faults().ambiguousNextWrite(LATE);
    ClientOrderId stopId = ClientOrderId.of("sl-amb-1");

    assertThatThrownBy(
            () ->
                gateway()
                    .placeStopLoss(
                        new StopLossRequest(
                            BTC, PositionSide.LONG, new BigDecimal("60000"), stopId)))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThatThrownBy(() -> gateway().openStopLosses(BTC))
        .isInstanceOf(OutcomeUnknownException.class);
    venue.landLateWrites();

    assertThat(gateway().openStopLosses(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.clientId()).isEqualTo(stopId));
  }

  @Test
  void anAmbiguousStop_makesTheAllStopsReadUnknown_untilTheListShowsIt() {
    gateway().placeMarketOrder(buy("open-all", QTY));
    venue.faults().ambiguousNextWrite(LATE);
    ClientOrderId stopId = ClientOrderId.of("sl-amb-all");

    assertThatThrownBy(
            () ->
                gateway()
                    .placeStopLoss(
                        new StopLossRequest(
                            BTC, PositionSide.LONG, new BigDecimal("60000"), stopId)))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThatThrownBy(() -> gateway().allOpenStopLosses())
        .isInstanceOf(OutcomeUnknownException.class);
    venue.landLateWrites();

    assertThat(gateway().allOpenStopLosses())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.clientId()).isEqualTo(stopId);
              assertThat(s.triggerPrice()).isEqualByComparingTo("60000");
            });
    assertThat(venue.requests())
        .filteredOn(r -> r.path().equals("/v5/position/list"))
        .last()
        .satisfies(r -> assertThat(r.query()).contains("settleCoin=USDT").doesNotContain("symbol"));
  }

  @Test
  void aTrailingMove_isOneCallInPlace_andTheSameTriggerAgainIsNotModifiedButFine() {
    gateway().placeMarketOrder(buy("open-2", QTY));
    StopOrder first =
        gateway()
            .placeStopLoss(
                new StopLossRequest(
                    BTC, PositionSide.LONG, new BigDecimal("60000"), ClientOrderId.of("sl-2")));
    StopLossRequest tighter =
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("62000"), ClientOrderId.of("sl-2-move"));

    StopOrder moved = gateway().moveStopLoss(first, tighter);
    StopOrder again = gateway().moveStopLoss(moved, tighter); // 34040 "not modified"

    assertThat(again.triggerPrice()).isEqualByComparingTo("62000");
    assertThat(venue.stopLoss(BTC)).isEqualByComparingTo("62000");
    assertThat(venue.requests())
        .filteredOn(r -> r.path().equals("/v5/position/trading-stop"))
        .hasSize(3);
    assertThat(gateway().openStopLosses(BTC))
        .extracting(StopOrder::clientId)
        .containsExactly(first.clientId());
  }

  @Test
  void afterARestart_theStopIsNamedBySymbol_andCanBeCancelledByThatName() {
    gateway().placeMarketOrder(buy("open-3", QTY));
    gateway()
        .placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("60000"), ClientOrderId.of("sl-3")));
    adapter.close();
    adapter = BybitAdapter.create(venue.config(), venue.credentials());

    StopOrder found = gateway().openStopLosses(BTC).get(0);
    assertThat(found.clientId().value()).isEqualTo("bybit-sl-BTCUSDT");
    assertThat(found.triggerPrice()).isEqualByComparingTo("60000");
    gateway().cancelStopLoss(BTC, found.clientId());

    assertThat(gateway().openStopLosses(BTC)).isEmpty();
    assertThat(venue.stopLoss(BTC)).isZero();
  }

  @Test
  void aStopForTheWrongSide_isRejectedBeforeAnythingIsSent() {
    gateway().placeMarketOrder(buy("open-4", QTY));

    assertThatThrownBy(
            () ->
                gateway()
                    .placeStopLoss(
                        new StopLossRequest(
                            BTC,
                            PositionSide.SHORT,
                            new BigDecimal("70000"),
                            ClientOrderId.of("sl-4"))))
        .isInstanceOf(RejectedException.class);
    assertThat(venue.requests()).noneMatch(r -> r.path().equals("/v5/position/trading-stop"));
  }

  @Test
  void aPositionClosedByHand_leavesAFlatRowThatPositionsDoNotList_andNoStop() {
    gateway().placeMarketOrder(buy("open-5", QTY));
    gateway()
        .placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("60000"), ClientOrderId.of("sl-5")));

    venue.closeByHand(BTC);

    assertThat(gateway().positions().positions()).isEmpty();
    assertThat(gateway().openStopLosses(BTC)).isEmpty();
    assertThat(gateway().openingOrderId(BTC, PositionSide.LONG)).isEmpty();
  }

  @Test
  void configuredLeverage_isSetOnceBeforeTheFirstOrder_andNotModifiedCountsAsSuccess() {
    adapter.close();
    adapter = BybitAdapter.create(venue.configBuilder().leverage(10).build(), venue.credentials());

    gateway().placeMarketOrder(buy("lev-1", QTY));
    gateway().placeMarketOrder(buy("lev-2", QTY));

    assertThat(venue.requests())
        .filteredOn(r -> r.path().equals("/v5/position/set-leverage"))
        .hasSize(1);
    assertThat(gateway().positions().find(BTC).orElseThrow().signedSize())
        .isEqualByComparingTo("0.020");
  }

  @Test
  void aSymbolsOwnLeverage_isTheOneSent() {
    adapter.close();
    adapter =
        BybitAdapter.create(
            venue.configBuilder().leverage(10).leverage(BTC, 4).build(), venue.credentials());

    gateway().placeMarketOrder(buy("lev-own-1", QTY));

    assertThat(venue.requests())
        .filteredOn(r -> r.path().equals("/v5/position/set-leverage"))
        .singleElement()
        .satisfies(r -> assertThat(r.body()).contains("\"buyLeverage\":\"4\""));
    assertThat(venue.leverage(BTC)).isEqualTo("4");
  }
}
