package io.positionkeeper.domain.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConnectionMonitorTest {
  private final ConnectionMonitor monitor = new ConnectionMonitor(Exchange.BINANCE);

  private void say(ConnectionState state) {
    monitor.onEvent(new StreamEvent.ConnectionChanged(state, "test", Instant.EPOCH));
  }

  @Test
  void connectedButNotResynced_isNotReady() {
    say(ConnectionState.CONNECTING);
    say(ConnectionState.CONNECTED);

    assertThat(monitor.isReady()).isFalse();
    assertThat(monitor.readyGeneration()).isEmpty();
  }

  @Test
  void eachResync_startsANewGeneration_andADisconnectEndsIt() {
    say(ConnectionState.CONNECTED);
    say(ConnectionState.RESYNCED);
    OptionalLong first = monitor.readyGeneration();
    say(ConnectionState.DISCONNECTED);
    assertThat(monitor.readyGeneration()).isEmpty();
    say(ConnectionState.CONNECTED);
    say(ConnectionState.RESYNCED);

    assertThat(monitor.readyGeneration()).isPresent().isNotEqualTo(first);
  }
}
