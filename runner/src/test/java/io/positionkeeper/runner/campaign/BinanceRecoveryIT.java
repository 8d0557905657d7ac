package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BinanceRig.SYMBOL;
import static io.positionkeeper.runner.campaign.BinanceTrades.ENTRY;
import static io.positionkeeper.runner.campaign.BinanceTrades.QUANTITY;
import static io.positionkeeper.runner.campaign.BinanceTrades.RECONCILIATION;
import static io.positionkeeper.runner.campaign.BinanceTrades.STOP;
import static io.positionkeeper.runner.campaign.BinanceTrades.STOP_HIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.binance.emulator.BinanceEmulator.OpenStop;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the running runner recovers from on Binance besides its streams: a database connection cut
 * while the audit journal writes, a clock apart from the venue's, a trader's own hand on the venue
 * (a stop cancelled, a position closed, a position opened). The scenarios share one runner, one
 * emulator and one database (reached through a proxy the campaign can cut), one after another; each
 * starts and ends flat, and after each the audit events the runner counted as emitted are exactly
 * the rows stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BinanceRecoveryIT {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final String ENTRY_EVENTS =
      "SELECT count(*) FROM monitoring.events WHERE type = 'ENTRY_ORDER_PLACED'";

  @TempDir static Path home;
  private BinanceRig rig;
  private TcpProxy proxy;
  private int metricsPort;

  @BeforeAll
  void startRig() throws Exception {
    rig = BinanceRig.start(home);
    proxy = TcpProxy.to(rig.databasePort());
    rig.configure("database.url=jdbc:postgresql://localhost:" + proxy.port() + "/postgres");
    metricsPort = freePort();
    rig.configure("metrics.port=" + metricsPort);
    rig.startRunner();
  }

  @AfterAll
  void closeRig() throws Exception {
    try (TcpProxy p = proxy) {
      rig.close();
    }
  }

  @BeforeEach
  void flat() {
    rig.venue().faults().clear();
    BinanceTrades.assertFlat(rig);
  }

  @AfterEach
  void auditRowsAreTheEventsEmitted() throws InterruptedException {
    try {
      rig.await(
          "the audit rows to equal the events emitted",
          SETTLE,
          () -> BinanceTrades.storedEvents(rig).equals(BinanceTrades.emittedEvents(metricsPort)));
    } catch (AssertionError e) {
      assertThat(BinanceTrades.storedEvents(rig))
          .as("I4: audit rows by type against the events the runner emitted")
          .isEqualTo(BinanceTrades.emittedEvents(metricsPort));
    }
  }

  /**
   * Scenario 18: a position opened on the venue by hand, which no row knows, while the runner runs.
   * By the standard policy it is adopted from the venue's own figures and protected at the default
   * 2 % within one reconciliation period; the stop then closes it as any other.
   */
  @Test
  @Order(1)
  void positionTheDatabaseNeverHad_isAdoptedAndProtected() throws Exception {
    rig.venue().setMarkPrice(SYMBOL, ENTRY);
    rig.venue().seedPosition(SYMBOL, new BigDecimal("0.02"), ENTRY);

    rig.await(
        "the position adopted and protected",
        RECONCILIATION,
        () ->
            "ACTIVE".equals(BinanceTrades.newestText(rig, "status"))
                && CampaignInvariants.violations(rig).isEmpty());
    assertThat(BinanceTrades.newestText(rig, "side")).isEqualTo("LONG");
    assertThat(BinanceTrades.newest(rig, "quantity")).isEqualByComparingTo("0.02");
    assertThat(BinanceTrades.newest(rig, "entry_price")).isEqualByComparingTo(ENTRY);
    assertThat(BinanceTrades.newest(rig, "stop_price")).isEqualByComparingTo(STOP);
    assertThat(rig.count("SELECT count(*) FROM monitoring.events WHERE type = 'POSITION_ADOPTED'"))
        .isEqualTo(1);
    CampaignInvariants.assertSettle(rig, SETTLE);

    rig.venue().setMarkPrice(SYMBOL, STOP_HIT);
    BinanceTrades.assertClosed(rig, RECONCILIATION, "STOP_LOSS", STOP_HIT);
    CampaignInvariants.assertSettle(rig, SETTLE);
  }

  /**
   * Scenario 17: the trader cancels the stop on the venue's UI; within one reconciliation period it
   * is back at the same price (never looser). Then the trader closes the position by hand; the row
   * is closed with the venue's exit price as EXTERNAL, and the stop left behind is cancelled before
   * it could close a later position.
   */
  @Test
  @Order(2)
  void stopCancelledByHand_isReplaced_positionClosedByHand_closesTheRowAndCancelsTheOrphan()
      throws Exception {
    BinanceTrades.openLong(rig);
    String stop = BinanceTrades.newestText(rig, "stop_client_id");

    rig.venue().cancelAlgoExternally(stop);
    rig.await(
        "the stop re-placed",
        RECONCILIATION,
        () -> {
          List<OpenStop> working = rig.venue().openStops(SYMBOL);
          return working.size() == 1 && !working.get(0).clientAlgoId().equals(stop);
        });
    assertThat(rig.venue().openStops(SYMBOL).get(0).triggerPrice())
        .as("the re-placed stop's price")
        .isEqualByComparingTo(STOP);
    CampaignInvariants.assertSettle(rig, SETTLE);

    BigDecimal exit = new BigDecimal("63800");
    rig.venue().setMarkPrice(SYMBOL, exit);
    rig.venue().closeExternally(SYMBOL);
    BinanceTrades.assertClosed(rig, RECONCILIATION, "EXTERNAL", exit);
    rig.await(
        "the orphan stop cancelled", RECONCILIATION, () -> rig.venue().openStops(SYMBOL).isEmpty());
    CampaignInvariants.assertSettle(rig, SETTLE);
  }

  /**
   * Scenario 15: the database connection is cut while the audit journal's batch is on it (its COPY
   * sent, the answers lost). The batch is written again: every event once, none lost, nothing
   * dead-lettered, and the opening is protected all the same.
   */
  @Test
  @Order(3)
  void databaseConnectionCutMidBatch_theBatchIsRetried_noDuplicateNoneLost() throws Exception {
    long entriesBefore = rig.count(ENTRY_EVENTS);
    long failedBefore = occurrences("audit journal write failed");
    long reachedBefore = occurrences("audit journal reachable again");
    proxy.cutOnceAfter("COPY monitoring.events", Duration.ofMillis(300));
    BinanceTrades.openLong(rig);
    rig.await("the journal's connection cut", SETTLE, () -> proxy.cuts() == 1);
    rig.await(
        "the journal written again after the cut",
        SETTLE,
        () -> occurrences("audit journal reachable again") > reachedBefore);
    assertThat(occurrences("audit journal write failed"))
        .as("the cut batch's failure logged")
        .isGreaterThan(failedBefore);
    rig.await(
        "the entry's event written",
        SETTLE,
        () -> rig.count(ENTRY_EVENTS) > entriesBefore,
        () -> "events stored: " + BinanceTrades.storedEvents(rig));
    assertThat(rig.count(ENTRY_EVENTS)).as("the entry's event, once").isEqualTo(entriesBefore + 1);
    auditRowsAreTheEventsEmitted();

    rig.venue().setMarkPrice(SYMBOL, STOP_HIT);
    BinanceTrades.assertClosed(rig, RECONCILIATION, "STOP_LOSS", STOP_HIT);
    CampaignInvariants.assertSettle(rig, SETTLE);
  }

  /**
   * Scenario 16: the runner's clock 2 s ahead of the venue's (past the venue's 1 s tolerance), then
   * 6 s behind it (past the 5 s recvWindow). Signed calls are refused with -1021, the runner
   * re-measures the venue's time and the call goes through: the opening is protected, the trailing
   * move and the close happen, and no order is sent twice.
   */
  @Test
  @Order(4)
  void clockSkewAheadAndBehind_signedCallsRecoverThroughTheTimeResync() throws Exception {
    rig.venue().faults().clockSkew(Duration.ofSeconds(-2));
    long refusedBefore = occurrences("-1021");
    BinanceTrades.openLong(rig);
    assertThat(occurrences("-1021"))
        .as("-1021 answers met with the runner 2 s ahead")
        .isGreaterThan(refusedBefore);
    assertThat(BinanceTrades.newest(rig, "quantity")).isEqualByComparingTo(QUANTITY);

    rig.venue().faults().clockSkew(Duration.ofSeconds(6));
    long refusedAhead = occurrences("-1021");
    BigDecimal trailed = BinanceTrades.trailUp(rig, "the trailing move with the runner 6 s behind");
    assertThat(occurrences("-1021"))
        .as("-1021 answers met with the runner 6 s behind")
        .isGreaterThan(refusedAhead);

    BigDecimal exit = trailed.subtract(new BigDecimal("100"));
    rig.venue().setMarkPrice(SYMBOL, exit);
    BinanceTrades.assertClosed(rig, RECONCILIATION, "TRAILING_STOP", exit);
    CampaignInvariants.assertSettle(rig, SETTLE);
  }

  /** How often {@code text} appears in every output of the runner so far. */
  private long occurrences(String text) {
    long n = 0;
    for (Path out : rig.outputs()) {
      if (Files.exists(out)) {
        String all;
        try {
          all = Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + 1)) {
          n++;
        }
      }
    }
    return n;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
