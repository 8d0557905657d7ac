package io.positionkeeper.domain.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetriesTest {
  private final ManualClock clock = ManualClock.atDefaultStart();
  private final Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1));

  @Test
  void aRateLimitWithNoWait_isRetriedWithTheBackoff_notResentAtOnce() {
    List<Instant> calls = new ArrayList<>();
    assertThatThrownBy(
            () ->
                Retries.idempotent(
                    clock,
                    Duration.ofSeconds(5),
                    backoff,
                    () -> {
                      calls.add(clock.now());
                      if (calls.size() > 50) {
                        fail("resent " + calls.size() + " times within the deadline: a storm");
                      }
                      throw new RateLimitedException("429 with Retry-After: 0", Duration.ZERO);
                    }))
        .isInstanceOf(RateLimitedException.class);

    // 50, 100, 200, 400, 800 ms and then 1 s apart: nine calls fit in 5 s.
    assertThat(calls).hasSize(9);
    for (int i = 1; i < calls.size(); i++) {
      assertThat(Duration.between(calls.get(i - 1), calls.get(i)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }
  }

  @Test
  void aRateLimitsOwnWait_isHonouredWhenLongerThanTheBackoff() {
    List<Instant> calls = new ArrayList<>();
    String answer =
        Retries.idempotent(
            clock,
            Duration.ofSeconds(10),
            backoff,
            () -> {
              calls.add(clock.now());
              if (calls.size() == 1) {
                throw new RateLimitedException("418", Duration.ofSeconds(3));
              }
              return "placed";
            });

    assertThat(answer).isEqualTo("placed");
    assertThat(Duration.between(calls.get(0), calls.get(1))).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aWaitPastTheDeadline_throwsTheLastFailureWithoutWaiting() {
    Instant start = clock.now();
    assertThatThrownBy(
            () ->
                Retries.idempotent(
                    clock,
                    Duration.ofSeconds(2),
                    backoff,
                    () -> {
                      throw new RateLimitedException("banned", Duration.ofMinutes(2));
                    }))
        .isInstanceOf(RateLimitedException.class)
        .hasMessage("banned");
    assertThat(clock.now()).isEqualTo(start);
  }

  @Test
  void aRefusal_isNeverRetried() {
    List<Instant> calls = new ArrayList<>();
    assertThatThrownBy(
            () ->
                Retries.idempotent(
                    clock,
                    Duration.ofSeconds(5),
                    backoff,
                    () -> {
                      calls.add(clock.now());
                      throw new RejectedException("-2019", "margin is insufficient");
                    }))
        .isInstanceOf(RejectedException.class);
    assertThat(calls).hasSize(1);
  }

  @Test
  void aRetryableFailure_thatPasses_returnsTheAnswer() {
    List<Instant> calls = new ArrayList<>();
    String answer =
        Retries.idempotent(
            clock,
            Duration.ofSeconds(5),
            backoff,
            () -> {
              calls.add(clock.now());
              if (calls.size() < 3) {
                throw new RetryableException("503", null);
              }
              return "ok";
            });
    assertThat(answer).isEqualTo("ok");
    assertThat(Duration.between(calls.get(0), calls.get(2))).isEqualTo(Duration.ofMillis(150));
  }
}
