package io.positionkeeper.bybit;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.StreamEvent.ConnectionChanged;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The private stream's login with the local clock a minute behind the venue's. Bybit takes a login
 * only when its {@code expires} lies in the venue's future (the emulator checks it so); signed on
 * the bare local clock, the expiry is 50 s in the venue's past, so the login would be refused
 * however often REST resynced its own timestamps.
 */
class BybitLoginClockTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Duration BEHIND = Duration.ofMinutes(1);

  private BybitEmulator venue;
  private BybitAdapter adapter;
  private final RecordingListener listener = new RecordingListener();

  @BeforeEach
  void start() {
    venue = BybitEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
    adapter =
        BybitAdapter.create(
            venue.config(), venue.credentials(), new ShiftedClock(BEHIND.negated()));
  }

  @AfterEach
  void stop() {
    adapter.close();
    venue.close();
  }

  @Test
  void afterRestResyncedTheClock_theLoginSignsOnTheVenuesClock_andIsAcceptedAtOnce() {
    assertThat(adapter.gateway().positions().positions())
        .as("REST recovers through the 10002 resync")
        .isEmpty();
    assertThat(venue.requestCount("GET", "/v5/market/time")).isEqualTo(1);

    adapter.streams().start(listener);
    listener.await(ConnectionChanged.class, c -> c.state() == ConnectionState.RESYNCED);

    assertThat(venue.privateLogins())
        .as("every private connection logged in: none refused")
        .isEqualTo(venue.privateConnectionsOpened());
  }

  @Test
  void aLoginRefusedForItsExpiry_remeasuresTheClock_andTheNextLoginIsAccepted() {
    adapter.streams().start(listener);
    listener.await(ConnectionChanged.class, c -> c.state() == ConnectionState.RESYNCED);

    assertThat(venue.privateLogins()).isPositive();
    assertThat(venue.privateConnectionsOpened())
        .as("the first login, on the unmeasured local clock, was refused")
        .isGreaterThanOrEqualTo(2);
    assertThat(venue.requestCount("GET", "/v5/market/time")).isPositive();
  }
}
