package io.positionkeeper.bybit.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void delaysDouble_upToTheMaximum_withinTheirUpperHalf_andResetStartsOver() {
    Backoff low = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.0);
    Backoff high = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.999999);

    assertThat(low.next()).isEqualTo(Duration.ofMillis(50));
    assertThat(high.next()).isEqualTo(Duration.ofMillis(99));
    assertThat(low.next()).isEqualTo(Duration.ofMillis(100));
    for (int i = 0; i < 10; i++) {
      low.next();
    }
    assertThat(low.next()).isEqualTo(Duration.ofMillis(500));
    low.reset();
    assertThat(low.next()).isEqualTo(Duration.ofMillis(50));
  }
}
