package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BinanceRig.SYMBOL;
import static io.positionkeeper.runner.campaign.BinanceTrades.QUANTITY;
import static io.positionkeeper.runner.campaign.BinanceTrades.RECONCILIATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
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
 * What the running runner recovers from on Binance besides its streams: a clock apart from the
 * venue's. The runner reaches its database through a proxy, and after each scenario the audit
 * events it counted as emitted are exactly the rows stored. Scenarios 15, 17 and 18 run on both
 * venues in {@link RecoveryIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BinanceRecoveryIT {
  private static final Duration SETTLE = Duration.ofSeconds(30);

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
   * Scenario 16: the runner's clock 2 s ahead of the venue's (past the venue's 1 s tolerance), then
   * 6 s behind it (past the 5 s recvWindow). Signed calls are refused with -1021, the runner
   * re-measures the venue's time and the call goes through: the opening is protected, the trailing
   * move and the close happen, and no order is sent twice.
   */
  @Test
  @Order(1)
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
    return RecoveryIT.occurrences(rig.outputs(), text);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
