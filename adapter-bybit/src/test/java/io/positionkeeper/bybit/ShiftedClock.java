package io.positionkeeper.bybit;

import io.positionkeeper.ports.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system clock moved by an offset the test sets: a local clock apart from the venue's, or time
 * that passes at once when a test moves it on. Waits and timers run as the system's do.
 */
final class ShiftedClock implements Clock {
  private final Clock system = Clock.system();
  private final AtomicLong offsetMillis;

  ShiftedClock(Duration offset) {
    this.offsetMillis = new AtomicLong(offset.toMillis());
  }

  /** Moves this clock on by {@code by}, as if that much time had passed. */
  void advance(Duration by) {
    offsetMillis.addAndGet(by.toMillis());
  }

  @Override
  public Instant now() {
    return system.now().plusMillis(offsetMillis.get());
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    system.sleep(duration);
  }

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    return system.schedule(delay, task);
  }
}
