package io.positionkeeper.domain.stream;

import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether one exchange's streams can be trusted right now. Only {@link ConnectionState#RESYNCED}
 * counts as ready: connected and refreshed over REST since the last (re)connect. Each resync starts
 * a new generation; an answer read from the exchange is trustworthy only if the generation is the
 * same ready one before and after it was read (no disconnect happened in between).
 *
 * <p>It also knows how long the streams have been blind (anything but resynced). A long blindness
 * is no reason to trust the exchange less (a complete REST snapshot is the venue's word whatever
 * the streams do), only a reason to stop waiting for their news: a stop cancelled by hand during a
 * stream outage is seen by no one else. {@link #sight} says when reading the venue by REST alone is
 * due, and {@link #unchanged} whether the connection stayed as it was while it was read.
 */
public final class ConnectionMonitor implements StreamListener {
  private final Exchange exchange;
  private ConnectionState state = ConnectionState.DISCONNECTED;
  private long generation;
  // Every change of state, so a blind read can tell that the connection moved under it.
  private long changes;
  // When the streams stopped being resynced; empty while resynced. A monitor that never heard of
  // its streams starts counting when it is first asked (the keeper's start).
  private Optional<Instant> blindSince = Optional.empty();

  public ConnectionMonitor(Exchange exchange) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
  }

  public Exchange exchange() {
    return exchange;
  }

  @Override
  public synchronized void onEvent(StreamEvent event) {
    if (event instanceof StreamEvent.ConnectionChanged changed) {
      ConnectionState before = state;
      state = changed.state();
      changes++;
      if (state == ConnectionState.RESYNCED) {
        generation++;
        blindSince = Optional.empty();
      } else if (before == ConnectionState.RESYNCED || blindSince.isEmpty()) {
        blindSince = Optional.of(changed.time());
      }
    }
  }

  public synchronized ConnectionState state() {
    return state;
  }

  /** Whether the streams are connected and resynced. */
  public synchronized boolean isReady() {
    return state == ConnectionState.RESYNCED;
  }

  /** The current ready generation, or empty when not ready. */
  public synchronized OptionalLong readyGeneration() {
    return state == ConnectionState.RESYNCED ? OptionalLong.of(generation) : OptionalLong.empty();
  }

  /** How long the streams have been blind at {@code now}; zero while resynced. */
  public synchronized Duration blindFor(Instant now) {
    if (state == ConnectionState.RESYNCED) {
      return Duration.ZERO;
    }
    if (blindSince.isEmpty()) {
      blindSince = Optional.of(now);
    }
    Duration blind = Duration.between(blindSince.get(), now);
    return blind.isNegative() ? Duration.ZERO : blind;
  }

  /**
   * What a reading of the exchange may rest on now: the ready generation, or, once the streams have
   * been blind for at least {@code blindAfter}, REST alone. Empty while they are blind for less (a
   * reconnect with its own resync is likely to come first).
   */
  public synchronized Optional<Sight> sight(Instant now, Duration blindAfter) {
    if (state == ConnectionState.RESYNCED) {
      return Optional.of(new Sight.Resynced(generation));
    }
    Duration blind = blindFor(now);
    return blind.compareTo(blindAfter) >= 0
        ? Optional.of(new Sight.Blind(changes, state, blind))
        : Optional.empty();
  }

  /** Whether the connection is still as it was when {@code sight} was taken. */
  public synchronized boolean unchanged(Sight sight) {
    return switch (sight) {
      case Sight.Resynced r -> state == ConnectionState.RESYNCED && generation == r.generation();
      case Sight.Blind b -> changes == b.changes();
    };
  }

  /** What a reading of the exchange rests on. */
  public sealed interface Sight {
    /** The streams were resynced (generation {@code generation}): their news is complete. */
    record Resynced(long generation) implements Sight {}

    /** The streams had been {@code state} for {@code blind}: the venue is read by REST alone. */
    record Blind(long changes, ConnectionState state, Duration blind) implements Sight {
      public Blind {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(blind, "blind");
      }
    }
  }
}
