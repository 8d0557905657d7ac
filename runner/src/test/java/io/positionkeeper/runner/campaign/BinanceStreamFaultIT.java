package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BinanceRig.SYMBOL;
import static io.positionkeeper.runner.campaign.BinanceTrades.QUANTITY;
import static io.positionkeeper.runner.campaign.BinanceTrades.STOP_HIT;
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
 * The user-data stream failing under the running runner, on Binance: stalled, its listen key
 * expired, its connection ended at the venue's 24 h limit, its events duplicated, reordered and
 * replayed. In each, the venue does something the runner can learn only from the stream (its stop
 * fills) while the stream cannot tell it, and the trader must find the fill in the row afterwards.
 * The scenarios share one runner, one emulator and one database, one after another; each starts and
 * ends flat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BinanceStreamFaultIT {
  // Detection takes the runner's default ping interval (30 s) and stall timeout (90 s).
  private static final Duration STALL_DETECTED = Duration.ofSeconds(150);
  private static final Duration REPLAY_WATCH = Duration.ofSeconds(5);

  @TempDir static Path home;
  private BinanceRig rig;

  @BeforeAll
  void startRig() throws Exception {
    rig = BinanceRig.start(home);
    rig.startRunner();
  }

  @AfterAll
  void closeRig() throws Exception {
    rig.close();
  }

  @BeforeEach
  void flat() {
    rig.venue().faults().clear();
    BinanceTrades.assertFlat(rig);
  }

  /**
   * Scenario 10: both streams hang (open, silent, no pongs, no close frame) and the stop fills
   * meanwhile. The runner detects the stall, reconnects, resyncs, and the row ends closed by the
   * stop at the venue's exit price.
   */
  @Test
  @Order(1)
  void streamsStalled_areReconnected_andTheStopFillDuringTheStallIsInTheRow() throws Exception {
    BinanceTrades.openLong(rig);
    int opened = rig.venue().openedStreams().size();
    rig.venue().stallUserStream();
    rig.venue().stallMarketStream();
    rig.venue().setMarkPrice(SYMBOL, STOP_HIT);
    assertThat(rig.venue().positionAmount(SYMBOL)).as("the stop filled on the venue").isZero();

    rig.await(
        "the user-data stream's stall detected",
        STALL_DETECTED,
        () -> logsContain("user-data stream stalled"));
    rig.await(
        "a new user-data connection",
        Duration.ofSeconds(30),
        () -> newPrivateConnections(opened) > 0);

    assertTheStopFillIsInTheRow();
  }

  /**
   * Scenario 11, the listen key: the venue says it expired, the first attempts to get a new one
   * fail, and the stop fills while the runner has no key (the venue sends nothing then). The runner
   * gets a new key and connection, and the fill is in the row.
   */
  @Test
  @Order(2)
  void listenKeyExpired_aNewKeyFailsTwice_theFillWithoutAKeyIsInTheRow() throws Exception {
    BinanceTrades.openLong(rig);
    String expired = rig.venue().activeListenKey().orElseThrow();
    rig.venue().faults().serverErrorNext("POST", "/fapi/v1/listenKey", 2);
    rig.venue().expireListenKey();
    rig.venue().setMarkPrice(SYMBOL, STOP_HIT);

    rig.await(
        "a new listen key in use",
        Duration.ofSeconds(60),
        () ->
            rig.venue().activeListenKey().filter(k -> !k.equals(expired)).isPresent()
                && rig.venue().openedStreams().stream()
                    .anyMatch(s -> s.contains(rig.venue().activeListenKey().orElse("-"))));

    assertThat(logsContain("listen key expired")).as("the expiry noticed").isTrue();
    assertTheStopFillIsInTheRow();
  }

  /**
   * Scenario 11, the 24 h rotation: the venue ends every connection at its 24 h limit (a close
   * frame) and the stop fills before the runner is back. The runner reconnects and finds the fill.
   */
  @Test
  @Order(3)
  void connectionsEndedAtTheDayLimit_areReopened_andTheFillMeanwhileIsInTheRow() throws Exception {
    BinanceTrades.openLong(rig);
    int opened = rig.venue().openedStreams().size();
    rig.venue().closeStreamsAtDayLimit();
    rig.venue().setMarkPrice(SYMBOL, STOP_HIT);

    rig.await(
        "a new user-data connection",
        Duration.ofSeconds(60),
        () -> newPrivateConnections(opened) > 0 && rig.venue().userConnections() > 0);

    assertTheStopFillIsInTheRow();
  }

  /**
   * Scenario 12: every user-data event of a position's life (the entry's ORDER_TRADE_UPDATE and
   * ACCOUNT_UPDATE, the stop's and the trailing move's ALGO_UPDATE) comes again, twice, newest
   * first, once while the position is open and once after its trailing stop closed it. The row
   * keeps the venue's size, entry and stop; the closed row keeps its exit; no order is sent.
   */
  @Test
  @Order(4)
  void duplicatedReorderedAndReplayedEvents_leaveSizesAndPricesAsTheVenueHasThem()
      throws Exception {
    int firstFrame = rig.venue().userFrames().size();
    BinanceTrades.openLong(rig);
    BigDecimal trailed = BinanceTrades.trailUp(rig, "the trailing move");
    String trailedId = BinanceTrades.newestText(rig, "stop_client_id");
    BigDecimal entry = BinanceTrades.newest(rig, "entry_price");

    Instant replayed = replayNewestFirst(firstFrame);
    watch(
        "the open row after the replay",
        () -> {
          assertThat(BinanceTrades.newestText(rig, "status")).isEqualTo("ACTIVE");
          assertThat(BinanceTrades.newest(rig, "quantity")).isEqualByComparingTo(QUANTITY);
          assertThat(BinanceTrades.newest(rig, "entry_price")).isEqualByComparingTo(entry);
          assertThat(BinanceTrades.newest(rig, "stop_price")).isEqualByComparingTo(trailed);
          assertThat(BinanceTrades.newestText(rig, "stop_client_id")).isEqualTo(trailedId);
          assertThat(CampaignInvariants.violations(rig)).isEmpty();
        });
    assertThat(BinanceTrades.ordersSince(rig, replayed)).as("orders after the replay").isEmpty();

    BigDecimal exit = trailed.subtract(new BigDecimal("100"));
    rig.venue().setMarkPrice(SYMBOL, exit);
    BinanceTrades.assertClosed(rig, BinanceTrades.RECONCILIATION, "TRAILING_STOP", exit);
    long rows = rig.count("SELECT count(*) FROM monitoring.positions");

    Instant replayedAgain = replayNewestFirst(firstFrame);
    watch(
        "the closed row after the replay",
        () -> {
          assertThat(rig.count("SELECT count(*) FROM monitoring.positions")).isEqualTo(rows);
          assertThat(BinanceTrades.newestText(rig, "status || ' ' || close_reason"))
              .isEqualTo("CLOSED TRAILING_STOP");
          assertThat(BinanceTrades.newest(rig, "exit_price")).isEqualByComparingTo(exit);
          assertThat(BinanceTrades.newest(rig, "quantity")).isEqualByComparingTo(QUANTITY);
          assertThat(CampaignInvariants.violations(rig)).isEmpty();
        });
    assertThat(BinanceTrades.ordersSince(rig, replayedAgain))
        .as("orders after the second replay")
        .isEmpty();
    assertThat(BinanceTrades.requestsSince(rig, "POST", BinanceTrades.ALGO, replayedAgain))
        .as("stops placed after the second replay")
        .isEmpty();
    CampaignInvariants.assertSettle(rig, Duration.ofSeconds(30));
  }

  /** The fill the stream could not tell is in the row: closed by the stop at its fill price. */
  private void assertTheStopFillIsInTheRow() throws InterruptedException {
    BinanceTrades.assertClosed(rig, BinanceTrades.RECONCILIATION, "STOP_LOSS", STOP_HIT);
    assertThat(BinanceTrades.newest(rig, "quantity")).isEqualByComparingTo(QUANTITY);
    CampaignInvariants.assertSettle(rig, Duration.ofSeconds(30));
  }

  /** Sends every user-data frame since {@code from} again, newest first, each twice. */
  private Instant replayNewestFirst(int from) {
    List<String> frames = rig.venue().userFrames();
    List<String> life = new ArrayList<>(frames.subList(from, frames.size()));
    Collections.reverse(life);
    Instant at = Instant.now();
    for (String frame : life) {
      rig.venue().sendRawUserFrame(frame);
      rig.venue().sendRawUserFrame(frame);
    }
    return at;
  }

  /**
   * Checks {@code what} holds over the whole watch window. A negative claim (nothing changed,
   * nothing sent) needs a window; five seconds is many times what the runner takes to apply a
   * stream event on loopback.
   */
  private void watch(String what, ThrowingCheck check) throws Exception {
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

  private long newPrivateConnections(int openedBefore) {
    List<String> opened = rig.venue().openedStreams();
    return opened.subList(openedBefore, opened.size()).stream()
        .filter(s -> s.startsWith("/private"))
        .count();
  }

  private boolean logsContain(String text) {
    try {
      return rig.logsContain(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
