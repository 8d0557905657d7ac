package io.positionkeeper.ports;

import java.time.Duration;
import java.time.Instant;

/** The machine's clock; {@link #sleep(Duration)} parks the calling thread. */
enum SystemClock implements Clock {
  INSTANCE;

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    if (duration.isPositive()) {
      Thread.sleep(duration);
    }
  }
}
