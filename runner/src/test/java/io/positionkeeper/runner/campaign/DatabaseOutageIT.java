package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.positionkeeper.runner.campaign.RunnerRig.KillPoint;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The database taken away from the running runner, as a network outage does, on every venue: the
 * runner reaches its PostgreSQL through a TCP proxy that the campaign cuts and restores; the
 * database itself keeps running, so the test reads it directly. Signals come on the runner's
 * standard input, since a signal stored in the database could not even be read while it is down.
 */
class DatabaseOutageIT {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  // Longer than any outage here: the runner must outlive it, not hand the account over.
  private static final Duration LEASE = Duration.ofSeconds(90);
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  // Longer than the test can take to see the fill and cut the database, however loaded the
  // machine: the runner learns of its fill only after the cut (the answer released by the
  // campaign, or, where the venue cannot release it, found by the runner's query after its own
  // timeout).
  private static final Duration HOLD = Duration.ofSeconds(120);
  private static final String OUTCOME = "signals stdin line 1";

  @TempDir Path home;

  /** Scenario 13: an opening that could not be recorded is not started: no order is sent. */
  @ParameterizedTest
  @EnumSource(CampaignVenue.class)
  void databaseDownBeforeTheOpening_noOrderIsSent_failClosed(CampaignVenue venue) throws Exception {
    try (RunnerRig rig = venue.start(home);
        TcpProxy proxy = TcpProxy.to(rig.databasePort())) {
      throughProxy(rig, proxy);
      rig.startRunner();

      proxy.down();
      rig.sendLine(rig.signalLine("outage-1"));
      rig.await("the signal to be acted on", SETTLE, () -> settled(rig));
      proxy.up();

      assertThat(rig.requestCount("POST", rig.faults().orderPath()))
          .as("orders sent while the database was down")
          .isZero();
      assertThat(rig.logsContain(OUTCOME + " refused"))
          .as("the signal refused, not failed after an order")
          .isTrue();
      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.positionAmount()).isZero();
    }
  }

  /**
   * Scenario 14: the database cut while the entry order's answer is on its way, so the fill cannot
   * be stored when it is known. The stop is placed all the same, while the database is still cut,
   * and the position is not closed; when the database returns, the row is written with its stop,
   * the signal is opened and the audit trail is whole.
   *
   * <p>The entry's answer is held until the database is cut. A hold of a fixed 2 s (as this
   * scenario had first) let a loaded machine see the fill only after the answer had come and the
   * runner had opened, recorded and protected the position: nothing was cut mid-opening.
   */
  @ParameterizedTest
  @EnumSource(CampaignVenue.class)
  void databaseDownAfterTheFill_theStopIsPlacedAnyway_andTheRowWrittenWhenItReturns(
      CampaignVenue venue) throws Exception {
    try (RunnerRig rig = venue.start(home);
        TcpProxy proxy = TcpProxy.to(rig.databasePort())) {
      throughProxy(rig, proxy);
      rig.startRunner();
      rig.hold(entry(rig), HOLD);

      rig.sendLine(rig.signalLine("outage-1"));
      rig.await("the entry order on the venue", SETTLE, () -> rig.positionAmount().signum() != 0);
      proxy.down();
      rig.clearFaults();
      rig.await(
          "the stop placed while the database is cut", OUTAGE, () -> !rig.workingStops().isEmpty());
      CampaignInvariants.oneStopPerPosition(rig).forEach(v -> fail(v));
      assertThat(settled(rig)).as("an outcome before the row could be written").isFalse();
      proxy.up();

      rig.await("the signal opened", OUTAGE, () -> settled(rig));
      assertThat(rig.logsContain(OUTCOME + ": opened")).as("the signal opened").isTrue();
      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.positionAmount()).as("the position kept, not closed").isPositive();
      assertThat(
              rig.one(
                  "SELECT status || ' ' || (stop_client_id IS NOT NULL)"
                      + " FROM monitoring.positions"))
          .as("the row, written after the outage with its stop")
          .isEqualTo("ACTIVE true");
      rig.await(
          "the opening's events written after the outage",
          SETTLE,
          () ->
              rig.count(
                      "SELECT count(*) FROM monitoring.events"
                          + " WHERE type IN ('ENTRY_ORDER_PLACED', 'POSITION_CREATED')")
                  == 2);
    }
  }

  /** Whether the runner logged the signal's outcome: opened, refused or failed. */
  private static boolean settled(RunnerRig rig) {
    return rig.logsContain(OUTCOME + ": opened")
        || rig.logsContain(OUTCOME + " refused")
        || rig.logsContain(OUTCOME + " failed");
  }

  private static KillPoint entry(RunnerRig rig) {
    return rig.killPoints().stream()
        .filter(p -> p.name().equals("ENTRY"))
        .findFirst()
        .orElseThrow();
  }

  private static void throughProxy(RunnerRig rig, TcpProxy proxy) throws java.io.IOException {
    rig.configure("database.url=jdbc:postgresql://localhost:" + proxy.port() + "/postgres");
    rig.configure("signals=stdin");
    rig.leaseTtl(LEASE);
  }
}
