package io.positionkeeper.domain.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConnectionMonitorTest {
  private final ConnectionMonitor monitor = new ConnectionMonitor(Exchange.BINANCE);

  private static final Duration BLIND_AFTER = Duration.ofSeconds(30);

  private void say(ConnectionState state) {
    say(state, Instant.EPOCH);
  }

  private void say(ConnectionState state, Instant at) {
    monitor.onEvent(new StreamEvent.ConnectionChanged(state, "test", at));
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

  @Test
  void blindness_countsFromTheLastResyncedMoment_throughReconnectsThatDidNotResync() {
    Instant t0 = Instant.parse("2026-12-07T00:00:00Z");
    say(ConnectionState.RESYNCED, t0);
    say(ConnectionState.DISCONNECTED, t0.plusSeconds(10));
    say(ConnectionState.CONNECTED, t0.plusSeconds(20));

    assertThat(monitor.blindFor(t0.plusSeconds(39))).isEqualTo(Duration.ofSeconds(29));
    assertThat(monitor.sight(t0.plusSeconds(39), BLIND_AFTER)).isEmpty();
    assertThat(monitor.sight(t0.plusSeconds(40), BLIND_AFTER))
        .hasValueSatisfying(s -> assertThat(s).isInstanceOf(ConnectionMonitor.Sight.Blind.class));

    say(ConnectionState.RESYNCED, t0.plusSeconds(41));
    assertThat(monitor.blindFor(t0.plusSeconds(90))).isZero();
  }

  @Test
  void aBlindSight_isBrokenByAnyChangeOfConnection_aResyncedOneByAnewGeneration() {
    Instant t0 = Instant.parse("2026-12-07T00:00:00Z");
    say(ConnectionState.DISCONNECTED, t0);
    ConnectionMonitor.Sight blind = monitor.sight(t0.plusSeconds(30), BLIND_AFTER).orElseThrow();
    assertThat(monitor.unchanged(blind)).isTrue();
    say(ConnectionState.CONNECTING, t0.plusSeconds(31));
    assertThat(monitor.unchanged(blind)).isFalse();

    say(ConnectionState.RESYNCED, t0.plusSeconds(32));
    ConnectionMonitor.Sight resynced = monitor.sight(t0.plusSeconds(32), BLIND_AFTER).orElseThrow();
    assertThat(monitor.unchanged(resynced)).isTrue();
    say(ConnectionState.DISCONNECTED, t0.plusSeconds(33));
    say(ConnectionState.RESYNCED, t0.plusSeconds(34));
    assertThat(monitor.unchanged(resynced)).isFalse();
  }

  @Test
  void aMonitorThatNeverHeardOfItsStreams_countsFromWhenItWasFirstAsked() {
    Instant t0 = Instant.parse("2026-12-07T00:00:00Z");

    assertThat(monitor.sight(t0, BLIND_AFTER)).isEmpty();
    assertThat(monitor.sight(t0.plusSeconds(29), BLIND_AFTER)).isEmpty();
    assertThat(monitor.sight(t0.plusSeconds(30), BLIND_AFTER)).isPresent();
  }
}
