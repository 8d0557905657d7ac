package io.positionkeeper.domain.stream;

import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import java.util.Objects;

/**
 * Whether one exchange's streams can be trusted right now. Only {@link ConnectionState#RESYNCED}
 * counts as ready: connected and refreshed over REST since the last (re)connect. Each resync starts
 * a new generation; an answer read from the exchange is trustworthy only if the generation is the
 * same ready one before and after it was read (no disconnect happened in between).
 */
public final class ConnectionMonitor implements StreamListener {
  private final Exchange exchange;
  private ConnectionState state = ConnectionState.DISCONNECTED;
  private long generation;

  public ConnectionMonitor(Exchange exchange) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
  }

  public Exchange exchange() {
    return exchange;
  }

  @Override
  public synchronized void onEvent(StreamEvent event) {
    if (event instanceof StreamEvent.ConnectionChanged changed) {
      state = changed.state();
      if (state == ConnectionState.RESYNCED) {
        generation++;
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
  public synchronized java.util.OptionalLong readyGeneration() {
    return state == ConnectionState.RESYNCED
        ? java.util.OptionalLong.of(generation)
        : java.util.OptionalLong.empty();
  }
}
