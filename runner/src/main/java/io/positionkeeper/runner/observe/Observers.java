package io.positionkeeper.runner.observe;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each observation to every observer, each call guarded: an observer that throws is logged
 * and the others still get the observation, and the keeper's step goes on. A record whose event id
 * was delivered already (the journal replays a batch after an unknown outcome) is not delivered
 * again; the memory of ids is bounded.
 */
public final class Observers implements KeeperObserver {
  private static final Logger log = LoggerFactory.getLogger(Observers.class);
  private static final int REMEMBERED_IDS = 20_000;

  private final List<KeeperObserver> observers;
  private final Map<String, Boolean> seen =
      new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED_IDS;
        }
      };
  private final AtomicBoolean databaseFailing = new AtomicBoolean();
  private final AtomicLong[] failures;

  public Observers(List<KeeperObserver> observers) {
    this.observers = List.copyOf(observers);
    this.failures = new AtomicLong[this.observers.size()];
    for (int i = 0; i < failures.length; i++) {
      failures[i] = new AtomicLong();
    }
  }

  public static Observers none() {
    return new Observers(List.of());
  }

  @Override
  public void onRecord(AuditRecord record) {
    synchronized (seen) {
      if (seen.put(record.eventId(), Boolean.TRUE) != null) {
        return;
      }
    }
    each(o -> o.onRecord(record), "record " + record.type());
  }

  @Override
  public void onStreamEvent(Exchange exchange, StreamEvent event) {
    each(o -> o.onStreamEvent(exchange, event), "stream event");
  }

  @Override
  public void onDatabaseFailure(String operation, RuntimeException failure) {
    databaseFailing.set(true);
    each(o -> o.onDatabaseFailure(operation, failure), "database failure");
  }

  @Override
  public void onDatabaseAnswered(String operation) {
    if (databaseFailing.compareAndSet(true, false)) {
      each(o -> o.onDatabaseAnswered(operation), "database answered");
    }
  }

  private void each(Consumer<KeeperObserver> call, String what) {
    for (int i = 0; i < observers.size(); i++) {
      KeeperObserver o = observers.get(i);
      try {
        call.accept(o);
      } catch (RuntimeException e) {
        failed(i, o, what, e);
      }
    }
  }

  /**
   * Logs an observer's failure: the first with its stack trace, then one line per thousand, so a
   * broken observer on the mark-price stream cannot flood the log.
   */
  private void failed(int index, KeeperObserver o, String what, RuntimeException e) {
    long n = failures[index].incrementAndGet();
    if (n == 1) {
      log.error("observer {} failed on {}; the keeper goes on", o.getClass().getName(), what, e);
    } else if (n % 1_000 == 0) {
      log.error(
          "observer {} has failed {} times, last on {}: {}",
          o.getClass().getName(),
          n,
          what,
          e.toString());
    }
  }
}
