package io.positionkeeper.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.binance.emulator.BinanceEmulator.RecordedRequest;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code exitSince} against the emulated venue, on a manual clock shared by venue and client. */
class BinanceGatewayExitTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final String TRADES = "/fapi/v1/userTrades";

  private final ManualClock clock = new ManualClock(Instant.parse("2026-05-20T10:00:00.250Z"));
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

  private void order(Side side, String qty, String id, boolean reduceOnly) {
    gateway.placeMarketOrder(
        new MarketOrderRequest(BTC, side, new BigDecimal(qty), ClientOrderId.of(id), reduceOnly));
  }

  private List<RecordedRequest> tradeRequests() {
    return venue.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().equals(TRADES))
        .toList();
  }

  @Test
  void aStopThatFired_isTheExit_underTheStopsClientId() {
    Instant before = clock.now();
    clock.advance(Duration.ofSeconds(1));
    order(Side.BUY, "0.010", "open-1", false);
    gateway.placeStopLoss(
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-1")));
    clock.advance(Duration.ofMinutes(5));

    venue.setMarkPrice(BTC, new BigDecimal("48900.00"));

    PositionExit exit = gateway.exitSince(BTC, PositionSide.LONG, before).orElseThrow();
    assertThat(exit.closingClientId()).contains(ClientOrderId.of("sl-1"));
    assertThat(exit.averagePrice()).isEqualByComparingTo("48900");
    assertThat(exit.quantity()).isEqualByComparingTo("0.010");
    assertThat(exit.realizedPnl()).isEqualByComparingTo("-11");
    assertThat(exit.time())
        .isEqualTo(clock.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  @Test
  void partialClosesOverSeveralWeeks_areReadInWindowsOfAtMost7Days_andTakenTogether() {
    Instant since = clock.now();
    clock.advance(Duration.ofDays(1));
    order(Side.BUY, "0.030", "open-1", false);
    clock.advance(Duration.ofDays(9));
    venue.setMarkPrice(BTC, new BigDecimal("51000.00"));
    order(Side.SELL, "0.010", "close-1", true);
    clock.advance(Duration.ofDays(10));
    venue.setMarkPrice(BTC, new BigDecimal("52000.00"));
    order(Side.SELL, "0.020", "close-2", true);
    clock.advance(Duration.ofDays(2));

    PositionExit exit = gateway.exitSince(BTC, PositionSide.LONG, since).orElseThrow();

    assertThat(exit.quantity()).isEqualByComparingTo("0.030");
    // (0.010 * 51000 + 0.020 * 52000) / 0.030
    assertThat(exit.averagePrice()).isEqualByComparingTo("51666.66666666666666666666666666667");
    assertThat(exit.realizedPnl()).isEqualByComparingTo("50");
    assertThat(exit.closingClientId()).contains(ClientOrderId.of("close-2"));
    List<RecordedRequest> windows = tradeRequests();
    assertThat(windows).hasSize(4); // 22 days and the end margin, in 7-day windows
    long previousEnd = since.toEpochMilli();
    for (RecordedRequest w : windows) {
      long start = Long.parseLong(w.params().get("startTime"));
      long end = Long.parseLong(w.params().get("endTime"));
      assertThat(start).isEqualTo(previousEnd + 1);
      assertThat(end - start).isLessThanOrEqualTo(Duration.ofDays(7).toMillis());
      previousEnd = end;
    }
    assertThat(previousEnd).isGreaterThanOrEqualTo(clock.now().toEpochMilli());
  }

  @Test
  void aSinceOlderThanTheVenuesThreeMonths_readsFromThreeMonthsAgo_andOlderFillsAreNotSeen() {
    Instant since = clock.now();
    order(Side.BUY, "0.030", "open-1", false);
    clock.advance(Duration.ofDays(1));
    order(Side.SELL, "0.010", "close-1", true);
    clock.advance(Duration.ofDays(100));
    order(Side.SELL, "0.020", "close-2", true);

    PositionExit exit = gateway.exitSince(BTC, PositionSide.LONG, since).orElseThrow();

    assertThat(exit.quantity()).isEqualByComparingTo("0.020");
    assertThat(exit.closingClientId()).contains(ClientOrderId.of("close-2"));
    long threeMonthsAgo =
        clock.now().atZone(ZoneOffset.UTC).minusMonths(3).toInstant().toEpochMilli();
    assertThat(Long.parseLong(tradeRequests().getFirst().params().get("startTime")))
        .isGreaterThanOrEqualTo(threeMonthsAgo);
  }

  @Test
  void aCloseAtTheEntryPrice_realizesZero_andStillCounts() {
    Instant since = clock.now();
    clock.advance(Duration.ofSeconds(1));
    order(Side.BUY, "0.010", "open-1", false);
    order(Side.SELL, "0.010", "close-1", true);

    PositionExit exit = gateway.exitSince(BTC, PositionSide.LONG, since).orElseThrow();

    assertThat(exit.quantity()).isEqualByComparingTo("0.010");
    assertThat(exit.averagePrice()).isEqualByComparingTo("50000");
    assertThat(exit.realizedPnl()).isZero();
  }

  @Test
  void aFlip_countsOnlyItsReducingPart_forTheLong_andNothingForTheShortItOpened() {
    Instant since = clock.now();
    clock.advance(Duration.ofSeconds(1));
    order(Side.BUY, "0.010", "open-1", false);
    venue.setMarkPrice(BTC, new BigDecimal("50500.00"));
    order(Side.SELL, "0.030", "flip-1", false);

    PositionExit exit = gateway.exitSince(BTC, PositionSide.LONG, since).orElseThrow();

    assertThat(exit.quantity()).isEqualByComparingTo("0.010");
    assertThat(exit.averagePrice()).isEqualByComparingTo("50500");
    assertThat(exit.realizedPnl()).isEqualByComparingTo("5");
    assertThat(exit.closingClientId()).contains(ClientOrderId.of("flip-1"));
    assertThat(gateway.exitSince(BTC, PositionSide.SHORT, since)).isEmpty();
  }

  @Test
  void aFullWindow_isSplitInHalves_soNoFillIsLeftOut() {
    Instant since = clock.now();
    clock.advance(Duration.ofSeconds(1));
    order(Side.BUY, "0.010", "open-1", false);
    order(Side.SELL, "0.010", "close-1", true);
    venue.faults().answerNext("GET", TRADES, 200, fullPage(since.toEpochMilli() + 1));

    PositionExit exit = gateway.exitSince(BTC, PositionSide.LONG, since).orElseThrow();

    assertThat(exit.closingClientId()).contains(ClientOrderId.of("close-1"));
    assertThat(exit.quantity()).isEqualByComparingTo("0.010");
    assertThat(tradeRequests()).hasSize(3);
  }

  /** 1000 rows, as a window's full answer would be (the emulator's own trades are elsewhere). */
  private static String fullPage(long time) {
    StringBuilder rows = new StringBuilder("[");
    for (int i = 0; i < 1000; i++) {
      if (i > 0) {
        rows.append(',');
      }
      rows.append("{\"symbol\":\"BTCUSDT\",\"id\":")
          .append(i + 1)
          .append(",\"orderId\":7,\"side\":\"BUY\",\"positionSide\":\"BOTH\",\"price\":\"1\",")
          .append("\"qty\":\"1\",\"realizedPnl\":\"0\",\"time\":")
          .append(time)
          .append('}');
    }
    return rows.append(']').toString();
  }

  @Test
  void aClosingOrderTheVenueNoLongerKnows_leavesTheClientIdEmpty() {
    Instant since = clock.now();
    clock.advance(Duration.ofSeconds(1));
    order(Side.BUY, "0.010", "open-1", false);
    order(Side.SELL, "0.010", "close-1", true);
    venue.faults().failNext("GET", "/fapi/v1/order", 1, 400, -2013, "Order does not exist.");

    PositionExit exit = gateway.exitSince(BTC, PositionSide.LONG, since).orElseThrow();

    assertThat(exit.closingClientId()).isEmpty();
    assertThat(exit.quantity()).isEqualByComparingTo("0.010");
  }

  @Test
  void aServerErrorOnTheTradeHistory_isRetryable() {
    order(Side.BUY, "0.010", "open-1", false);
    venue.faults().failNext("GET", TRADES, 1, 503, 0, "Service Unavailable.");

    assertThatThrownBy(() -> gateway.exitSince(BTC, PositionSide.LONG, clock.now().minusSeconds(1)))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining(TRADES);
  }

  @Test
  void aPositionThatChangesWhileTheHistoryIsRead_isRetryable() {
    order(Side.BUY, "0.010", "open-1", false);
    // The first position list still shows the account flat; the second shows the long.
    venue.faults().answerNext("GET", "/fapi/v3/positionRisk", 200, "[]");

    assertThatThrownBy(() -> gateway.exitSince(BTC, PositionSide.LONG, clock.now().minusSeconds(1)))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("changed");
  }

  @Test
  void aHedgeModeFill_isNotGuessedAt() {
    Instant since = clock.now();
    clock.advance(Duration.ofSeconds(1));
    venue
        .faults()
        .answerNext(
            "GET",
            TRADES,
            200,
            "[{\"symbol\":\"BTCUSDT\",\"id\":1,\"orderId\":7,\"side\":\"SELL\","
                + "\"positionSide\":\"LONG\",\"price\":\"1\",\"qty\":\"1\",\"realizedPnl\":\"1\","
                + "\"time\":"
                + clock.now().toEpochMilli()
                + "}]");

    assertThatThrownBy(() -> gateway.exitSince(BTC, PositionSide.LONG, since))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("hedge-mode");
  }

  @Test
  void noReducingFillSinceThen_isEmpty() {
    Instant since = clock.now();
    clock.advance(Duration.ofSeconds(1));
    order(Side.BUY, "0.010", "open-1", false);

    assertThat(gateway.exitSince(BTC, PositionSide.LONG, since)).isEmpty();
    assertThat(gateway.exitSince(BTC, PositionSide.SHORT, since)).isEmpty();
  }
}
