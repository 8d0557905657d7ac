package io.positionkeeper.bybit;

import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.StreamEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Keeps every stream event and lets a test wait, bounded, for one that matches or for any other
 * condition: waits end when the condition holds, never after a fixed time.
 */
final class RecordingListener implements StreamListener {
  /** Generous: the machine running the tests may be loaded many times over. */
  static final Duration WAIT = Duration.ofSeconds(30);

  final List<StreamEvent> events = new CopyOnWriteArrayList<>();
  private final Object arrived = new Object();

  @Override
  public void onEvent(StreamEvent event) {
    events.add(event);
    synchronized (arrived) {
      arrived.notifyAll();
    }
  }

  /** The first event of {@code type} that matches, waiting for it up to {@link #WAIT}. */
  <T extends StreamEvent> T await(Class<T> type, Predicate<T> match) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (arrived) {
      while (true) {
        for (StreamEvent e : events) {
          if (type.isInstance(e) && match.test(type.cast(e))) {
            return type.cast(e);
          }
        }
        waitUntil(arrived, deadline, "no matching " + type.getSimpleName() + "; " + lastEvents());
      }
    }
  }

  /** The newest few events, for a failure message that stays readable after a long run. */
  private String lastEvents() {
    List<StreamEvent> all = List.copyOf(events);
    int from = Math.max(0, all.size() - 10);
    return all.size()
        + " events, the last "
        + (all.size() - from)
        + ": "
        + all.subList(from, all.size());
  }

  int count(Predicate<StreamEvent> match) {
    return (int) events.stream().filter(match).count();
  }

  /**
   * Waits until {@code condition} holds (the emulator's state, a count of events), checking it
   * every few milliseconds; fails, naming {@code what}, after {@link #WAIT}.
   */
  static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Object monitor = new Object();
    synchronized (monitor) {
      while (!condition.getAsBoolean()) {
        waitUntil(monitor, deadline, what);
      }
    }
  }

  /** One bounded wait on {@code monitor} (held by the caller), at most 10 ms at a time. */
  private static void waitUntil(Object monitor, long deadline, String what) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new AssertionError("not within " + WAIT + ": " + what);
    }
    try {
      monitor.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 10)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting: " + what, e);
    }
  }
}
