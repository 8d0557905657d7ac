package io.positionkeeper.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.binance.ws.RestartPacer;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A venue that drops every stream connection almost at once: every restart goes through the pacer,
 * resyncs are rate limited, and connections and REST weight stay under a bound worked out from the
 * configuration (not a storm: without pacing the same run opens a connection every 20 ms per link,
 * 200 per link in 4 s).
 */
class FlappingVenueTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Duration MIN = Duration.ofMillis(20);
  private static final Duration MAX = Duration.ofSeconds(1);
  private static final Duration RESYNC_EVERY = Duration.ofMillis(250);
  private static final Duration FLAP = Duration.ofMillis(20);
  private static final Duration RUN = Duration.ofSeconds(4);

  private BinanceEmulator venue;
  private BinanceGateway gateway;
  private BinanceStreams streams;

  @BeforeEach
  void start() {
    venue = BinanceEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("50000.00"));
    BinanceConfig config =
        venue
            .config()
            .withReconnectBackoff(MIN, MAX)
            .withRestartPacing(Duration.ofSeconds(2), RESYNC_EVERY);
    gateway = new BinanceGateway(config, venue.credentials());
  }

  @AfterEach
  void stop() {
    venue.stopFlapping();
    if (streams != null) {
      streams.close();
    }
    gateway.close();
    venue.close();
  }

  /**
   * The most connections one link can open in {@code run}: a connection follows the previous one's
   * end by at least half of the pacer's delay, min·2^(k-1) capped at max, so the k-th costs at
   * least that much of the run.
   */
  private static long connectionBound(Duration run) {
    long left = run.toMillis();
    long count = 1; // the first connection needs no delay
    for (int k = 1; left > 0; k++) {
      long delay = Math.min(MIN.toMillis() << Math.min(k - 1, 20), MAX.toMillis()) / 2;
      left -= delay;
      count++;
    }
    return count;
  }

  @Test
  void aFlappingVenue_getsPacedConnections_andRateLimitedResyncs_underAStatedBound() {
    RecordingListener events = new RecordingListener();
    streams = new BinanceStreams(gateway);
    streams.watchMarkPrices(Set.of(BTC));
    streams.start(events);
    events.awaitState(ConnectionState.RESYNCED, 0);
    int connectionsBefore = venue.openedStreams().size();
    long weightBefore = venue.requestWeight();
    long listenKeysBefore = venue.requestCount("POST", "/fapi/v1/listenKey");

    Instant began = Instant.now();
    venue.flapStreams(FLAP);
    // Not a wait for something to happen: the test counts what the streams do over a window of
    // time (a rate), and the bound is worked out from the window as measured, however long the
    // loaded machine made it.
    sleep(RUN);
    venue.stopFlapping();
    Duration ran = Duration.between(began, Instant.now());

    long connections = venue.openedStreams().size() - connectionsBefore;
    long weight = venue.requestWeight() - weightBefore;
    long listenKeys = venue.requestCount("POST", "/fapi/v1/listenKey") - listenKeysBefore;
    long perLink = connectionBound(ran);
    // A resync reads positionRisk (5) and the mark of the watched symbol (1); none starts within
    // RESYNC_EVERY of the previous one, plus the one a start may have left in flight.
    long resyncs = ran.toMillis() / RESYNC_EVERY.toMillis() + 2;
    long weightBound = listenKeys + resyncs * 6;

    assertThat(connections).as("connections over %s ms, two links", ran.toMillis()).isPositive();
    assertThat(connections).isLessThanOrEqualTo(2 * perLink);
    assertThat(listenKeys).isLessThanOrEqualTo(perLink);
    assertThat(weight).isLessThanOrEqualTo(weightBound);
    assertThat(perLink).as("the bound itself is far below a storm").isLessThan(20);

    // Once the venue is calm again, the streams come back and resync.
    events.awaitState(ConnectionState.RESYNCED, events.size() - 1);
  }

  @Test
  void aListenKeyThatKeepsExpiring_isReplacedAtThePacersPace_notAtOnceEachTime() {
    RecordingListener events = startStreams();
    long keysBefore = venue.requestCount("POST", "/fapi/v1/listenKey");

    Instant began = Instant.now();
    repeat(Duration.ofSeconds(2), venue::expireListenKey);
    Duration ran = Duration.between(began, Instant.now());

    long keys = venue.requestCount("POST", "/fapi/v1/listenKey") - keysBefore;
    assertThat(keys).isPositive().isLessThanOrEqualTo(connectionBound(ran));
    events.awaitState(ConnectionState.RESYNCED, events.size() - 1);
  }

  @Test
  void aFloodOfUnreadableFrames_causesResyncsAtMostOncePerInterval() {
    RecordingListener events = startStreams();
    long readsBefore = venue.requestCount("GET", "/fapi/v3/positionRisk");

    Instant began = Instant.now();
    repeat(Duration.ofSeconds(2), () -> venue.sendRawUserFrame("{not json"));
    Duration ran = Duration.between(began, Instant.now());
    events.awaitState(ConnectionState.RESYNCED, events.size() - 1);

    long resyncs = venue.requestCount("GET", "/fapi/v3/positionRisk") - readsBefore;
    assertThat(resyncs).isPositive();
    assertThat(resyncs).isLessThanOrEqualTo(ran.toMillis() / RESYNC_EVERY.toMillis() + 2);
  }

  private RecordingListener startStreams() {
    RecordingListener events = new RecordingListener();
    streams = new BinanceStreams(gateway);
    streams.start(events);
    events.awaitState(ConnectionState.RESYNCED, 0);
    return events;
  }

  /**
   * Runs {@code action} every 10 ms for {@code run}: a fault injected at a steady pace (the pause
   * sets the pace; nothing waits on it), as a venue that keeps misbehaving would.
   */
  private static void repeat(Duration run, Runnable action) {
    Instant until = Instant.now().plus(run);
    while (Instant.now().isBefore(until)) {
      action.run();
      sleep(Duration.ofMillis(10));
    }
  }

  @Test
  void thePacer_growsItsDelayWhileConnectionsDoNotLast_andResetsAfterOneThatDid() {
    RestartPacer pacer = new RestartPacer(MIN, MAX, Duration.ofSeconds(2));
    Instant t = Instant.parse("2026-03-02T10:00:00Z");
    Duration last = Duration.ZERO;
    for (int i = 0; i < 12; i++) {
      pacer.opened(t);
      last = pacer.next(t.plusMillis(10), null);
    }
    assertThat(last).isBetween(MAX.dividedBy(2), MAX);
    pacer.opened(t);
    assertThat(pacer.next(t.plusSeconds(3), null)).isBetween(MIN.dividedBy(2), MIN);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
