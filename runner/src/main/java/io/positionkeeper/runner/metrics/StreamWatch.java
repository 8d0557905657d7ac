package io.positionkeeper.runner.metrics;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.runner.observe.KeeperObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Each venue's stream connection as its events tell it: the state, when it last resynced, how often
 * it reconnected. A reconnect is a connection lost after it had resynced once.
 */
public final class StreamWatch implements KeeperObserver {
  private final Clock clock;
  private final Set<Exchange> venues;
  private final Map<Exchange, Venue> byVenue = new EnumMap<>(Exchange.class);

  /** One venue's connection. */
  public record Venue(
      ConnectionState state, Optional<Instant> lastResync, long reconnects, boolean everResynced) {}

  public StreamWatch(Clock clock, Collection<Exchange> venues) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.venues = Set.copyOf(venues);
    this.venues.forEach(
        v -> byVenue.put(v, new Venue(ConnectionState.DISCONNECTED, Optional.empty(), 0, false)));
  }

  @Override
  public synchronized void onStreamEvent(Exchange exchange, StreamEvent event) {
    if (!(event instanceof StreamEvent.ConnectionChanged changed)) {
      return;
    }
    Venue v =
        byVenue.getOrDefault(
            exchange, new Venue(ConnectionState.DISCONNECTED, Optional.empty(), 0, false));
    ConnectionState next = changed.state();
    boolean lost =
        v.everResynced()
            && v.state() != ConnectionState.DISCONNECTED
            && next == ConnectionState.DISCONNECTED;
    byVenue.put(
        exchange,
        new Venue(
            next,
            next == ConnectionState.RESYNCED ? Optional.of(clock.now()) : v.lastResync(),
            v.reconnects() + (lost ? 1 : 0),
            v.everResynced() || next == ConnectionState.RESYNCED));
  }

  /** Every configured venue's streams are resynced now. */
  public synchronized boolean allResynced() {
    return venues.stream().allMatch(v -> byVenue.get(v).state() == ConnectionState.RESYNCED);
  }

  public synchronized Map<Exchange, Venue> venues() {
    return Map.copyOf(byVenue);
  }

  /** Time since the venue's last resync, if it ever resynced. */
  public synchronized Optional<Duration> sinceResync(Exchange exchange) {
    return Optional.ofNullable(byVenue.get(exchange))
        .flatMap(Venue::lastResync)
        .map(t -> Duration.between(t, clock.now()));
  }

  @Override
  public void onRecord(AuditRecord record) {}

  @Override
  public void onDatabaseFailure(String operation, RuntimeException failure) {}

  @Override
  public void onDatabaseAnswered(String operation) {}
}
