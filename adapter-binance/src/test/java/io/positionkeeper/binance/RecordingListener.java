package io.positionkeeper.binance;

import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.StreamEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Collects stream events and lets a test wait, bounded, for a condition on them. */
final class RecordingListener implements StreamListener {
  /** Generous: the machine running the tests may be loaded many times over. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<StreamEvent> events = new ArrayList<>();

  @Override
  public void onEvent(StreamEvent event) {
    lock.lock();
    try {
      events.add(event);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  List<StreamEvent> events() {
    lock.lock();
    try {
      return List.copyOf(events);
    } finally {
      lock.unlock();
    }
  }

  <T extends StreamEvent> List<T> events(Class<T> type) {
    return events().stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<ConnectionState> states() {
    return events(StreamEvent.ConnectionChanged.class).stream()
        .map(StreamEvent.ConnectionChanged::state)
        .toList();
  }

  int size() {
    return events().size();
  }

  /** Waits until an event after index {@code from} matches; fails after {@link #WAIT}. */
  <T extends StreamEvent> T awaitEvent(Class<T> type, Predicate<T> match, int from) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    lock.lock();
    try {
      while (true) {
        for (int i = from; i < events.size(); i++) {
          StreamEvent e = events.get(i);
          if (type.isInstance(e) && match.test(type.cast(e))) {
            return type.cast(e);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "no matching " + type.getSimpleName() + " within " + WAIT + "; got " + events);
        }
        changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  <T extends StreamEvent> T awaitEvent(Class<T> type, Predicate<T> match) {
    return awaitEvent(type, match, 0);
  }

  /** Waits until the streams report {@code state} after index {@code from}. */
  StreamEvent.ConnectionChanged awaitState(ConnectionState state, int from) {
    return awaitEvent(StreamEvent.ConnectionChanged.class, c -> c.state() == state, from);
  }

  /** Waits, bounded, for a condition outside the listener (the emulator's view). */
  static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Object monitor = new Object();
    synchronized (monitor) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("not within " + WAIT + ": " + what);
        }
        try {
          monitor.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 10)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }
}
