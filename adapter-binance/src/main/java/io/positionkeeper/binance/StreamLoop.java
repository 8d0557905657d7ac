package io.positionkeeper.binance;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams' two threads: the loop, which owns all stream state, and the I/O thread, where REST
 * calls run so that a slow answer never holds back events. A task that fails is logged, never lost
 * inside an executor; a task posted after close is dropped with a debug line.
 */
final class StreamLoop {
  private static final Logger log = LoggerFactory.getLogger(StreamLoop.class);

  private final ScheduledExecutorService loop;
  private final ExecutorService io;
  private volatile Thread loopThread;

  StreamLoop() {
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "binance-streams");
              t.setDaemon(true);
              loopThread = t;
              return t;
            });
    this.io =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "binance-streams-rest");
              t.setDaemon(true);
              return t;
            });
  }

  boolean onLoop() {
    return Thread.currentThread() == loopThread;
  }

  void post(Runnable task) {
    try {
      loop.execute(() -> safely(task));
    } catch (RejectedExecutionException e) {
      log.debug("stream loop stopped; dropping a task after close");
    }
  }

  void onIo(Runnable task) {
    try {
      io.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("stream I/O stopped; dropping a request after close");
    }
  }

  ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return loop.schedule(() -> safely(task), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  void every(Runnable task, Duration period) {
    long ms = period.toMillis();
    loop.scheduleWithFixedDelay(() -> safely(task), ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Runs {@code task} on the loop and waits for it (up to 5 s), then stops both threads. */
  void runAndStop(Runnable task) {
    if (onLoop()) {
      safely(task);
    } else {
      try {
        Future<?> done = loop.submit(() -> safely(task));
        done.get(5, TimeUnit.SECONDS);
      } catch (RejectedExecutionException e) {
        log.debug("stream loop already stopped");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
        log.warn("closing the streams did not complete cleanly: {}", e.toString());
      }
    }
    loop.shutdownNow();
    io.shutdownNow();
  }

  static void cancel(ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  private static void safely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("stream loop task failed", e);
    }
  }
}
