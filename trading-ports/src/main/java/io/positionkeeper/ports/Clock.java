package io.positionkeeper.ports;

import java.time.Duration;
import java.time.Instant;

/**
 * Time, and waiting for it. Every wait in the domain (backoff, polling, a deferred task) goes
 * through {@link #sleep(Duration)} or {@link #schedule(Duration, Runnable)} so that tests run with
 * a manual clock and no real sleeps.
 */
public interface Clock {

  /** The current instant. */
  Instant now();

  /** Waits for the given duration (a manual clock advances instead). */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * Runs {@code task} once after {@code delay} (the system clock on its own daemon scheduler
   * thread, a manual clock on the thread that advances past it) and returns the handle that cancels
   * it.
   */
  Scheduled schedule(Duration delay, Runnable task);

  /** The wall clock of the machine. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }

  /** A task handed to {@link #schedule(Duration, Runnable)}. */
  interface Scheduled {

    /** Keeps the task from running if it has not started; a no-op once it ran or was cancelled. */
    void cancel();
  }
}
