package io.positionkeeper.domain.keeper;

import io.positionkeeper.ports.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic work on the {@link Clock}: each task runs, then schedules its next run, until {@link
 * #cancelAll()}. A task that throws is logged and runs again next period: one failed reconciliation
 * never stops the next one.
 */
final class KeeperSchedule {
  private static final Logger log = LoggerFactory.getLogger(KeeperSchedule.class);

  private final Clock clock;
  private final Map<String, Clock.Scheduled> next = new HashMap<>();
  private boolean cancelled;

  KeeperSchedule(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  synchronized void every(Duration period, String name, Runnable task) {
    if (cancelled) {
      return;
    }
    next.put(
        name,
        clock.schedule(
            period,
            () -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                log.error("periodic {} failed; it runs again in {}", name, period, e);
              }
              every(period, name, task);
            }));
  }

  synchronized void cancelAll() {
    cancelled = true;
    next.values().forEach(Clock.Scheduled::cancel);
    next.clear();
  }
}
