package io.positionkeeper.binance;

import io.positionkeeper.binance.ws.RestartPacer;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.PortException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the REST resync runs: once every connection is up, never two at a time, at least {@code
 * minInterval} apart from start to start (a flapping venue asks for one per connection), again at
 * once when something happened while one ran, and after a failure only after the {@link
 * RestartPacer}'s delay. Loop-confined; the REST reads run on the I/O thread.
 */
final class Resyncs {
  private static final Logger log = LoggerFactory.getLogger(Resyncs.class);

  /** What the resync needs from the streams, and where its answer goes. */
  interface Owner {
    /** Whether every connection is up (a resync before that would be stale at once). */
    boolean ready();

    /** Changes whenever the view may have missed something (a reconnect, an unreadable frame). */
    long epoch();

    StreamResync.Known known();

    /** Delivers the resync's events; returns whether the view is now complete. */
    void apply(StreamResync.Result result);

    /** The view is complete: every connection up and nothing happened meanwhile. */
    void synced();
  }

  private final StreamLoop loop;
  private final StreamResync resync;
  private final Clock clock;
  private final Duration minInterval;
  private final RestartPacer failures;
  private final Owner owner;
  private boolean inFlight;
  private boolean again;
  private boolean closed;
  private Instant lastStart;
  private ScheduledFuture<?> pending;
  private int started;

  Resyncs(
      StreamLoop loop,
      StreamResync resync,
      Clock clock,
      Duration minInterval,
      RestartPacer failures,
      Owner owner) {
    this.loop = loop;
    this.resync = resync;
    this.clock = clock;
    this.minInterval = minInterval;
    this.failures = failures;
    this.owner = owner;
  }

  /** How many resyncs were started. */
  int started() {
    return started;
  }

  void request() {
    if (closed || !owner.ready()) {
      return; // it runs once every connection is up
    }
    if (inFlight) {
      again = true;
      return;
    }
    if (pending != null && !pending.isDone()) {
      return; // one is already scheduled
    }
    Instant now = clock.now();
    if (lastStart != null) {
      Duration since = Duration.between(lastStart, now);
      if (since.compareTo(minInterval) < 0) {
        pending = loop.schedule(this::scheduled, minInterval.minus(since));
        return;
      }
    }
    start(now);
  }

  private void scheduled() {
    pending = null;
    request();
  }

  private void start(Instant now) {
    inFlight = true;
    again = false;
    lastStart = now;
    started++;
    long startedIn = owner.epoch();
    StreamResync.Known known = owner.known();
    loop.onIo(
        () -> {
          try {
            StreamResync.Result result = resync.fetch(known);
            loop.post(() -> done(startedIn, result));
          } catch (RuntimeException e) {
            loop.post(() -> failed(e));
          }
        });
  }

  private void done(long startedIn, StreamResync.Result result) {
    inFlight = false;
    if (closed) {
      return;
    }
    owner.apply(result);
    if (again || startedIn != owner.epoch()) {
      request(); // something happened meanwhile: this view may already be stale
      return;
    }
    if (!owner.ready()) {
      return;
    }
    failures.settled();
    owner.synced();
  }

  private void failed(RuntimeException e) {
    inFlight = false;
    if (closed) {
      return;
    }
    Duration delay = failures.next(clock.now(), e);
    String what = "resync failed; retrying in " + delay.toMillis() + " ms";
    if (e instanceof PortException) {
      log.warn("{}: {}", what, e.getMessage());
    } else {
      log.error("{}", what, e);
    }
    StreamLoop.cancel(pending);
    pending = loop.schedule(this::scheduled, delay);
  }

  void close() {
    closed = true;
    StreamLoop.cancel(pending);
  }
}
