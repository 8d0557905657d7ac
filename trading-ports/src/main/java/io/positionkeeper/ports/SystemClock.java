package io.positionkeeper.ports;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The machine's clock; {@link #sleep(Duration)} parks the calling thread, and scheduled tasks run
 * one at a time on a single daemon thread, created on the first {@link #schedule(Duration,
 * Runnable)}.
 */
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

  @Override
  public Scheduled schedule(Duration delay, Runnable task) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    Objects.requireNonNull(task, "task");
    ScheduledFuture<?> future =
        Scheduler.EXECUTOR.schedule(
            () -> runReporting(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /**
   * Runs the task and hands anything it throws to the scheduler thread's uncaught-exception
   * handler, which is the JVM's default handler when one is set (otherwise the thread group prints
   * the stack trace to standard error), exactly as if the exception had ended the thread; the
   * thread itself goes on with the later tasks. Without this the executor would keep the exception
   * inside the task's future, which nobody reads, and it would never be seen.
   */
  private static void runReporting(Runnable task) {
    try {
      task.run();
    } catch (Throwable failure) {
      Thread current = Thread.currentThread();
      current.getUncaughtExceptionHandler().uncaughtException(current, failure);
    }
  }

  /** Holds the executor; the JVM initialises this class, and so starts the thread, on first use. */
  private static final class Scheduler {
    static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              runnable -> {
                Thread thread = new Thread(runnable, "clock-scheduler");
                thread.setDaemon(true);
                return thread;
              });
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }
}
