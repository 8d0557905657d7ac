package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.RigTrades.QUANTITY;
import static io.positionkeeper.runner.campaign.RigTrades.SETTLE;
import static io.positionkeeper.runner.campaign.RigTrades.STOP_HIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The private stream failing under the running runner, on any venue: stalled (scenario 10), its
 * session ended (scenario 11, in each venue's own words in the subclass), its events duplicated,
 * reordered and replayed (scenario 12). In each, the venue does something the runner can learn only
 * from the stream (its stop fills) while the stream cannot tell it, and the trader must find the
 * fill in the row afterwards. The scenarios share one runner, one emulator and one database, one
 * after another; each starts and ends flat.
 *
 * <p>The runner pings its streams every 2 s and cuts one silent for 6 s ({@code
 * streams.pingInterval}, {@code streams.stallTimeout}), so a stall is found in seconds instead of
 * the venues' default minute and a half.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StreamFaultScenarios<R extends RunnerRig> {

  /** Three stall timeouts and room for a loaded machine. */
  static final Duration STALL_DETECTED = Duration.ofSeconds(60);

  private static final Duration REPLAY_WATCH = Duration.ofSeconds(5);

  @TempDir static Path home;
  R rig;

  /** Starts the venue's emulator and the database. */
  abstract R start(Path home) throws Exception;

  /** Both streams hang: open, silent, no pongs, no close frame. */
  abstract void stallStreams();

  /** How many private stream connections the runner opened so far. */
  abstract int privateConnections();

  /** A line of the runner's output that says it found the private stream stalled. */
  abstract String privateStallLogged();

  /** Every private stream message the venue published, in order. */
  abstract List<String> privateFrames();

  /** Sends {@code frame} again, as it is, on the private stream. */
  abstract void resendPrivate(String frame);

  @BeforeAll
  void startRig() throws Exception {
    rig = start(home);
    rig.configure("streams.pingInterval=PT2S");
    rig.configure("streams.stallTimeout=PT6S");
    rig.startRunner();
  }

  @AfterAll
  void closeRig() throws Exception {
    rig.close();
  }

  @BeforeEach
  void flat() {
    rig.clearFaults();
    RigTrades.assertFlat(rig);
  }

  /**
   * Scenario 10: both streams hang (open, silent, no pongs, no close frame) and the stop fills
   * meanwhile. The runner detects the stall, reconnects, resyncs, and the row ends closed by the
   * stop at the venue's exit price.
   */
  @Test
  @Order(1)
  void streamsStalled_areReconnected_andTheStopFillDuringTheStallIsInTheRow() throws Exception {
    RigTrades.openLong(rig);
    int opened = privateConnections();
    stallStreams();
    rig.setMark(rig.symbol(), STOP_HIT);
    assertThat(rig.positionAmount()).as("the stop filled on the venue").isZero();

    rig.await(
        "the private stream's stall detected",
        STALL_DETECTED,
        () -> rig.logsContain(privateStallLogged()));
    rig.await("a new private connection", SETTLE, () -> privateConnections() > opened);

    RigTrades.assertTheStopFillIsInTheRow(rig);
  }

  /**
   * Scenario 12: every private event of a position's life (the entry's fill, the stop's placement
   * and its trailing move) comes again, twice, newest first, once while the position is open and
   * once after its trailing stop closed it. The row keeps the venue's size, entry and stop (and the
   * stop's id); the closed row keeps its exit; no order is sent and no stop placed.
   */
  @Test
  @Order(4)
  void duplicatedReorderedAndReplayedEvents_leaveSizesAndPricesAsTheVenueHasThem()
      throws Exception {
    int firstFrame = privateFrames().size();
    RigTrades.openLong(rig);
    BigDecimal trailed = RigTrades.trailUp(rig, "the trailing move");
    String trailedId = RigTrades.newestText(rig, "stop_client_id");
    BigDecimal entry = RigTrades.newest(rig, "entry_price");

    Instant replayed = replayNewestFirst(firstFrame);
    watch(
        "the open row after the replay",
        () -> {
          assertThat(RigTrades.newestText(rig, "status")).isEqualTo("ACTIVE");
          assertThat(RigTrades.newest(rig, "quantity")).isEqualByComparingTo(QUANTITY);
          assertThat(RigTrades.newest(rig, "entry_price")).isEqualByComparingTo(entry);
          assertThat(RigTrades.newest(rig, "stop_price")).isEqualByComparingTo(trailed);
          assertThat(RigTrades.newestText(rig, "stop_client_id")).isEqualTo(trailedId);
          assertThat(CampaignInvariants.violations(rig)).isEmpty();
        });
    assertThat(RigTrades.posts(rig, rig.faults().orderPath(), replayed))
        .as("orders after the replay")
        .isEmpty();
    assertThat(RigTrades.posts(rig, rig.faults().stopPath(), replayed))
        .as("stops placed or moved after the replay")
        .isEmpty();

    BigDecimal exit = trailed.subtract(new BigDecimal("100"));
    rig.setMark(rig.symbol(), exit);
    RigTrades.assertClosed(rig, "TRAILING_STOP", exit);
    long rows = rig.count("SELECT count(*) FROM monitoring.positions");

    Instant replayedAgain = replayNewestFirst(firstFrame);
    watch(
        "the closed row after the replay",
        () -> {
          assertThat(rig.count("SELECT count(*) FROM monitoring.positions")).isEqualTo(rows);
          assertThat(RigTrades.newestText(rig, "status || ' ' || close_reason"))
              .isEqualTo("CLOSED TRAILING_STOP");
          assertThat(RigTrades.newest(rig, "exit_price")).isEqualByComparingTo(exit);
          assertThat(RigTrades.newest(rig, "quantity")).isEqualByComparingTo(QUANTITY);
          assertThat(CampaignInvariants.violations(rig)).isEmpty();
        });
    assertThat(RigTrades.posts(rig, rig.faults().orderPath(), replayedAgain))
        .as("orders after the second replay")
        .isEmpty();
    assertThat(RigTrades.posts(rig, rig.faults().stopPath(), replayedAgain))
        .as("stops placed after the second replay")
        .isEmpty();
    CampaignInvariants.assertSettle(rig, SETTLE);
  }

  /** Sends every private frame since {@code from} again, newest first, each twice. */
  private Instant replayNewestFirst(int from) {
    List<String> frames = privateFrames();
    List<String> life = new ArrayList<>(frames.subList(from, frames.size()));
    assertThat(life).as("the private frames of the position's life").isNotEmpty();
    Collections.reverse(life);
    Instant at = Instant.now();
    for (String frame : life) {
      resendPrivate(frame);
      resendPrivate(frame);
    }
    return at;
  }

  /**
   * Checks {@code what} holds over the whole watch window. A negative claim (nothing changed,
   * nothing sent) needs a window; five seconds is many times what the runner takes to apply a
   * stream event on loopback.
   */
  private static void watch(String what, ThrowingCheck check) throws Exception {
    Instant until = Instant.now().plus(REPLAY_WATCH);
    while (Instant.now().isBefore(until)) {
      try {
        check.run();
      } catch (AssertionError e) {
        throw new AssertionError(what + ": " + e.getMessage(), e);
      }
      Thread.sleep(200);
    }
  }

  private interface ThrowingCheck {
    void run() throws Exception;
  }
}
