package io.positionkeeper.binance.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.fake.ManualClock;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00.500Z"));
  private final RateLimiter limiter = new RateLimiter(new ServerClock(clock));

  private void passes(RequestKind... kinds) {
    for (RequestKind k : kinds) {
      assertThatCode(() -> limiter.check(k)).as(k.name()).doesNotThrowAnyException();
    }
  }

  private void blocked(RequestKind... kinds) {
    for (RequestKind k : kinds) {
      assertThatThrownBy(() -> limiter.check(k))
          .as(k.name())
          .isInstanceOf(RateLimitedException.class);
    }
  }

  private static HttpHeaders headers(Map<String, String> values) {
    return HttpHeaders.of(
        values.entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
        (a, b) -> true);
  }

  @Test
  void anIpBan_blocksEverythingForTheVenuesWait() {
    RateLimitedException e =
        limiter.onRefused(418, -1003, Duration.ofSeconds(120), RequestKind.READ, "GET /x");

    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(120));
    blocked(RequestKind.values());
    clock.advance(Duration.ofSeconds(120));
    passes(RequestKind.values());
  }

  @Test
  void tooManyOrders_blocksOrdersOnly() {
    limiter.onRefused(429, -1015, Duration.ofSeconds(5), RequestKind.ORDER, "POST /order");

    blocked(RequestKind.ORDER, RequestKind.ORDER_EXEMPT);
    passes(RequestKind.READ, RequestKind.CANCEL, RequestKind.USER_STREAM);
  }

  @Test
  void throttling_blocksNewOrders_notReduceOnlyOnes() {
    limiter.onRefused(503, -1008, null, RequestKind.ORDER, "POST /order");

    blocked(RequestKind.ORDER);
    passes(RequestKind.ORDER_EXEMPT, RequestKind.CANCEL, RequestKind.READ);
    clock.advance(RateLimiter.THROTTLE_DEFAULT);
    passes(RequestKind.ORDER);
  }

  @Test
  void a418WithoutRetryAfter_waitsTheVenuesMinimumBan() {
    assertThat(limiter.onRefused(418, 0, null, RequestKind.READ, "GET /x").retryAfter())
        .isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void usageHeadersAtTheLimit_holdBackUntilTheWindowRollsOver() {
    limiter.onResponse(
        headers(Map.of("x-mbx-order-count-10s", "300", "x-mbx-used-weight-1m", "12")));

    blocked(RequestKind.ORDER, RequestKind.ORDER_EXEMPT);
    passes(RequestKind.READ);
    assertThat(limiter.usage()).isEqualTo(new RateLimiter.Usage(12, 300, -1));
    clock.advance(Duration.ofMillis(9_500)); // 10:00:10.000, the next 10 s window
    passes(RequestKind.ORDER);
  }

  @Test
  void aHeavyRead_thatWouldPassTheMinutesWeight_waitsForTheNextWindow_whileALightOneGoes() {
    limiter.onResponse(headers(Map.of("x-mbx-used-weight-1m", "2380")));

    assertThatThrownBy(() -> limiter.check(RequestKind.READ, 40))
        .isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("2380 + 40");
    assertThatCode(() -> limiter.check(RequestKind.READ, 20)).doesNotThrowAnyException();
    passes(RequestKind.READ);
    clock.advance(Duration.ofSeconds(60)); // 10:01:00.500: a new minute, the used weight resets
    assertThatCode(() -> limiter.check(RequestKind.READ, 40)).doesNotThrowAnyException();
  }

  @Test
  void limitsFromExchangeInfo_replaceTheDefaults() {
    limiter.setLimits(
        List.of(
            new io.positionkeeper.binance.parse.Wire.RateLimit(
                "REQUEST_WEIGHT", "MINUTE", 1, 6000)));
    limiter.onResponse(headers(Map.of("X-MBX-USED-WEIGHT-1M", "2400")));

    passes(RequestKind.READ);
  }

  @Test
  void entriesNearTheOrderLimit_areHeldBack_whileStopsAndClosesStillGoOut() {
    limiter.onResponse(headers(Map.of("x-mbx-order-count-10s", "240")));

    blocked(RequestKind.ORDER);
    passes(RequestKind.ORDER_EXEMPT, RequestKind.CANCEL, RequestKind.READ);
    clock.advance(Duration.ofMillis(9_500)); // 10:00:10.000, the next 10 s window
    passes(RequestKind.ORDER);
  }

  @Test
  void entriesBelowTheirShare_pass() {
    limiter.onResponse(
        headers(Map.of("x-mbx-order-count-10s", "239", "x-mbx-order-count-1m", "959")));

    passes(RequestKind.ORDER, RequestKind.ORDER_EXEMPT);
  }

  @Test
  void theMinuteWindow_keepsItsReserveToo() {
    limiter.onResponse(headers(Map.of("x-mbx-order-count-1m", "960")));

    blocked(RequestKind.ORDER);
    passes(RequestKind.ORDER_EXEMPT);
  }

  @Test
  void aTinyWindow_stillKeepsOneOrderForProtection() {
    assertThat(RateLimiter.entryLimit(1)).isZero();
    assertThat(RateLimiter.entryLimit(3)).isEqualTo(2);
    assertThat(RateLimiter.entryLimit(300)).isEqualTo(240);
  }
}
