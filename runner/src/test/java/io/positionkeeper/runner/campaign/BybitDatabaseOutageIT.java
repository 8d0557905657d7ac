package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BybitRig.CREATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database taken away from the running runner on Bybit, as a network outage does: the runner
 * reaches its PostgreSQL through a TCP proxy that the campaign cuts and restores; signals come on
 * its standard input, since a stored signal could not be read while the database is down.
 */
class BybitDatabaseOutageIT {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  // Longer than any outage here: the runner must outlive it, not hand the account over.
  private static final Duration LEASE = Duration.ofSeconds(90);
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  @TempDir Path home;

  /** Scenario 13: an opening that could not be recorded is not started: no order is sent. */
  @Test
  void databaseDownBeforeTheOpening_noOrderIsSent_failClosed() throws Exception {
    try (BybitRig rig = BybitRig.start(home);
        TcpProxy proxy = TcpProxy.to(rig.databasePort())) {
      throughProxy(rig, proxy);
      rig.startRunner();

      proxy.down();
      rig.sendLine(rig.signalLine("outage-1"));
      rig.await(
          "the signal to be acted on", SETTLE, () -> rig.logsContain("signals stdin line 1 "));
      proxy.up();

      assertThat(rig.venue().requestCount("POST", CREATE))
          .as("orders sent while the database was down")
          .isZero();
      assertThat(rig.logsContain("signals stdin line 1 refused"))
          .as("the signal refused, not failed after an order")
          .isTrue();
      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.positionAmount()).isZero();
    }
  }

  /**
   * Scenario 14: the database cut while the entry order's answer is on its way, so the fill cannot
   * be stored. The position is never left on the venue without a stop, and the state and the audit
   * trail are whole once the database returns.
   */
  @Test
  @Disabled(
      "not steady yet: passed once in 11 s and once timed out after 60 s waiting for the runner to"
          + " act on the signal while the database was down; the failed run's logs were not kept, so"
          + " it is not diagnosed (issue 18's closing note)")
  void databaseDownAfterTheFill_noPositionWithoutAStop_andTheTrailWrittenWhenItReturns()
      throws Exception {
    try (BybitRig rig = BybitRig.start(home);
        TcpProxy proxy = TcpProxy.to(rig.databasePort())) {
      throughProxy(rig, proxy);
      rig.startRunner();
      rig.venue().faults().hold("POST", CREATE, Duration.ofSeconds(2));

      rig.sendLine(rig.signalLine("outage-1"));
      rig.await("the entry order on the venue", SETTLE, () -> rig.positionAmount().signum() != 0);
      proxy.down();
      rig.venue().faults().clear();
      rig.await(
          "the signal to be acted on", OUTAGE, () -> rig.logsContain("signals stdin line 1 "));
      CampaignInvariants.oneStopPerPosition(rig).forEach(v -> fail(v));
      proxy.up();

      CampaignInvariants.assertSettle(rig, SETTLE);
      rig.await(
          "the opening's events written after the outage",
          SETTLE,
          () ->
              rig.count("SELECT count(*) FROM monitoring.events WHERE type = 'ENTRY_ORDER_PLACED'")
                  == 1);
    }
  }

  private static void throughProxy(BybitRig rig, TcpProxy proxy) throws java.io.IOException {
    rig.configure("database.url=jdbc:postgresql://localhost:" + proxy.port() + "/postgres");
    rig.configure("signals=stdin");
    rig.leaseTtl(LEASE);
  }
}
