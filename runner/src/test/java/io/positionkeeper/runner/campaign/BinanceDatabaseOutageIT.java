package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BinanceRig.SYMBOL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database taken away from the running runner, as a network outage does: the runner reaches its
 * PostgreSQL through a TCP proxy that the campaign cuts and restores; the database itself keeps
 * running, so the test reads it directly. Signals come on the runner's standard input, since a
 * signal stored in the database could not even be read while it is down.
 */
class BinanceDatabaseOutageIT {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  // Longer than any outage here: the runner must outlive it, not hand the account over.
  private static final Duration LEASE = Duration.ofSeconds(90);
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  private static final String SIGNAL =
      "{\"id\":\"outage-1\",\"symbol\":\""
          + SYMBOL
          + "\",\"side\":\"LONG\",\"size\":\"1000\",\"sizeUnit\":\"QUOTE\","
          + "\"stopLossPercent\":\"2\",\"activationPercent\":\"1.5\",\"callbackPercent\":\"0.5\"}";

  @TempDir Path home;

  /** Scenario 13: an opening that could not be recorded is not started: no order is sent. */
  @Test
  void databaseDownBeforeTheOpening_noOrderIsSent_failClosed() throws Exception {
    try (BinanceRig rig = BinanceRig.start(home);
        TcpProxy proxy = TcpProxy.to(rig.databasePort())) {
      throughProxy(rig, proxy);
      rig.startRunner();

      proxy.down();
      rig.sendLine(SIGNAL);
      rig.await(
          "the signal to be acted on", SETTLE, () -> logsContain(rig, "signals stdin line 1 "));
      proxy.up();

      assertThat(rig.venue().requestCount("POST", "/fapi/v1/order"))
          .as("orders sent while the database was down")
          .isZero();
      assertThat(rig.logsContain("signals stdin line 1 refused"))
          .as("the signal refused, not failed after an order")
          .isTrue();
      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.venue().positionAmount(SYMBOL)).isZero();
    }
  }

  /**
   * Scenario 14: the database cut while the entry order's answer is on its way, so the fill cannot
   * be stored. The position is never left on the venue without a stop, and what the keeper did is
   * in the database once it returns: the state matches the venue and the audit trail is whole.
   */
  @Test
  void databaseDownAfterTheFill_noPositionWithoutAStop_andTheTrailWrittenWhenItReturns()
      throws Exception {
    try (BinanceRig rig = BinanceRig.start(home);
        TcpProxy proxy = TcpProxy.to(rig.databasePort())) {
      throughProxy(rig, proxy);
      rig.startRunner();
      rig.venue().faults().latency("POST", "/fapi/v1/order", Duration.ofSeconds(2));

      rig.sendLine(SIGNAL);
      rig.await(
          "the entry order on the venue",
          SETTLE,
          () -> rig.venue().positionAmount(SYMBOL).signum() != 0);
      proxy.down();
      rig.venue().faults().clear();
      rig.await(
          "the signal to be acted on", OUTAGE, () -> logsContain(rig, "signals stdin line 1 "));
      CampaignInvariants.oneStopPerPosition(rig.venue(), SYMBOL).forEach(v -> fail(v));
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

  private static void throughProxy(BinanceRig rig, TcpProxy proxy) throws java.io.IOException {
    rig.configure("database.url=jdbc:postgresql://localhost:" + proxy.port() + "/postgres");
    rig.configure("signals=stdin");
    rig.leaseTtl(LEASE);
  }

  private static boolean logsContain(BinanceRig rig, String text) {
    try {
      return rig.logsContain(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
