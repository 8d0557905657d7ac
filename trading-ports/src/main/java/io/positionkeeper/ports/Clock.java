package io.positionkeeper.ports;

import java.time.Duration;
import java.time.Instant;

/**
 * Time, and waiting for it. Every wait in the domain (backoff, polling) goes through {@link
 * #sleep(Duration)} so that tests run with a manual clock and no real sleeps.
 */
public interface Clock {

  /** The current instant. */
  Instant now();

  /** Waits for the given duration (a manual clock advances instead). */
  void sleep(Duration duration) throws InterruptedException;

  /** The wall clock of the machine. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
