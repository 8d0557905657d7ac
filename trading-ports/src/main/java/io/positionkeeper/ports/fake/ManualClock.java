package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A clock that moves only when told to. {@link #sleep(Duration)} advances it instead of waiting,
 * and tasks scheduled with {@link #schedule(Duration, Runnable)} run, in time order, on the thread
 * that advances past them (a cancelled one never runs): tests are deterministic and never sleep.
 */
public final class ManualClock implements Clock {
  private record Task(Instant at, long seq, Runnable action) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) -> a.at.equals(b.at) ? Long.compare(a.seq, b.seq) : a.at.compareTo(b.at));
  private Instant now;
  private long seq;
  private long sleeps;

  public ManualClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** A clock at 2026-01-01T00:00:00Z. */
  public static ManualClock atDefaultStart() {
    return new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  @Override
  public void sleep(Duration duration) {
    synchronized (this) {
      sleeps++;
    }
    advance(duration);
  }

  /** How many scheduled tasks wait to run: a bound on it shows periodic work does not pile up. */
  public synchronized int pendingTasks() {
    return tasks.size();
  }

  /** How many times {@link #sleep(Duration)} was called. */
  public synchronized long sleepCount() {
    return sleeps;
  }

  /**
   * Runs {@code action} once the clock has advanced by {@code delay} from now, on the thread that
   * advances it; the handle removes the task from the queue, so a cancelled task never runs.
   */
  @Override
  public synchronized Scheduled schedule(Duration delay, Runnable action) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    Task task = new Task(now.plus(delay), seq++, Objects.requireNonNull(action, "action"));
    tasks.add(task);
    return () -> {
      synchronized (this) {
        tasks.remove(task);
      }
    };
  }

  /**
   * Moves time forward, running every task that falls due, each at its own instant. A task that
   * itself advances the clock (a wait inside a scheduled job) may carry it past {@code duration};
   * the clock then stays where that task left it.
   */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a clock does not go back: " + duration);
    }
    Instant target;
    synchronized (this) {
      target = now.plus(duration);
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.at.isAfter(target)) {
          // A task that waited itself (a sleep inside a scheduled reconciliation) may have moved
          // the clock past this target already: time never goes back, as a real clock's does not.
          if (target.isAfter(now)) {
            now = target;
          }
          return;
        }
        tasks.poll();
        if (next.at.isAfter(now)) {
          now = next.at;
        }
      }
      next.action.run();
    }
  }
}
