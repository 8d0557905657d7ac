package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.RigTrades.ENTRY;
import static io.positionkeeper.runner.campaign.RigTrades.RECONCILIATION;
import static io.positionkeeper.runner.campaign.RigTrades.STOP;
import static io.positionkeeper.runner.campaign.RigTrades.STOP_HIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.runner.campaign.RunnerRig.VenueStop;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the running runner recovers from besides its streams, on every venue: a trader's own hand on
 * the venue (a position opened, a stop cancelled, a position closed) and a database connection cut
 * while the audit journal writes. Per venue the scenarios share one runner, one emulator and one
 * database (reached through a proxy the campaign can cut), one after another; each starts and ends
 * flat, and after each the audit events the runner counted as emitted are exactly the rows stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecoveryIT {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final String ENTRY_EVENTS =
      "SELECT count(*) FROM monitoring.events WHERE type = 'ENTRY_ORDER_PLACED'";

  /** A venue's rig with the proxy in front of its database and the runner's metrics port. */
  private record Shared(RunnerRig rig, TcpProxy proxy, int metricsPort) {}

  @TempDir static Path home;
  private final Map<CampaignVenue, Shared> rigs = new EnumMap<>(CampaignVenue.class);

  /** The venue's rig, started with its runner by the first scenario that needs it. */
  private Shared on(CampaignVenue venue) throws Exception {
    Shared shared = rigs.get(venue);
    if (shared == null) {
      RunnerRig rig = venue.start(home.resolve(venue.name()));
      TcpProxy proxy = TcpProxy.to(rig.databasePort());
      shared = new Shared(rig, proxy, rig.exposeMetrics());
      rigs.put(venue, shared);
      rig.configure("database.url=jdbc:postgresql://localhost:" + proxy.port() + "/postgres");
      rig.startRunner();
    }
    shared.rig().clearFaults();
    RigTrades.assertFlat(shared.rig());
    return shared;
  }

  @AfterAll
  void closeRigs() throws Exception {
    for (Shared shared : rigs.values()) {
      try (TcpProxy p = shared.proxy()) {
        shared.rig().close();
      }
    }
  }

  /**
   * Scenario 18: a position opened on the venue by hand, which no row knows, while the runner runs.
   * By the standard policy it is adopted from the venue's own figures and protected at the default
   * 2 % within one reconciliation period; the stop then closes it as any other.
   */
  @ParameterizedTest
  @EnumSource(CampaignVenue.class)
  @Order(1)
  void positionTheDatabaseNeverHad_isAdoptedAndProtected(CampaignVenue venue) throws Exception {
    Shared shared = on(venue);
    RunnerRig rig = shared.rig();
    rig.openByHand(new BigDecimal("0.02"), ENTRY);

    rig.await(
        "the position adopted and protected",
        RECONCILIATION,
        () ->
            "ACTIVE".equals(RigTrades.newestText(rig, "status"))
                && CampaignInvariants.violations(rig).isEmpty());
    assertThat(RigTrades.newestText(rig, "side")).isEqualTo("LONG");
    assertThat(RigTrades.newest(rig, "quantity")).isEqualByComparingTo("0.02");
    assertThat(RigTrades.newest(rig, "entry_price")).isEqualByComparingTo(ENTRY);
    assertThat(RigTrades.newest(rig, "stop_price")).isEqualByComparingTo(STOP);
    assertThat(rig.count("SELECT count(*) FROM monitoring.events WHERE type = 'POSITION_ADOPTED'"))
        .isEqualTo(1);
    CampaignInvariants.assertSettle(rig, SETTLE);

    rig.setMark(rig.symbol(), STOP_HIT);
    RigTrades.assertClosed(rig, "STOP_LOSS", STOP_HIT);
    CampaignInvariants.assertSettle(rig, SETTLE);
    auditRowsAreTheEventsEmitted(shared);
  }

  /**
   * Scenario 17: the trader cancels the stop on the venue's website; within one reconciliation
   * period it is back at the same price (never looser). Then the trader closes the position by
   * hand; the row is closed with the venue's exit price as EXTERNAL, and no stop is left working:
   * on Binance the close-position stop left behind is cancelled before it could close a later
   * position; on Bybit the stop-loss is the position's own (trading-stop, Full mode) and ends with
   * it, so nothing is left to cancel.
   */
  @ParameterizedTest
  @EnumSource(CampaignVenue.class)
  @Order(2)
  void stopCancelledByHand_isReplaced_positionClosedByHand_closesTheRowAndNoStopIsLeft(
      CampaignVenue venue) throws Exception {
    Shared shared = on(venue);
    RunnerRig rig = shared.rig();
    RigTrades.openLong(rig);
    Optional<String> cancelled = rig.workingStops().get(0).clientId();

    rig.cancelStopByHand();
    assertThat(rig.workingStops()).as("no stop working after the cancel by hand").isEmpty();
    rig.await(
        "the stop re-placed",
        RECONCILIATION,
        () -> {
          List<VenueStop> working = rig.workingStops();
          // Binance's new stop has an id of its own; Bybit's has none, its trigger is back.
          return working.size() == 1
              && (cancelled.isEmpty() || !working.get(0).clientId().equals(cancelled));
        });
    assertThat(rig.workingStops().get(0).trigger())
        .as("the re-placed stop's price")
        .isEqualByComparingTo(STOP);
    CampaignInvariants.assertSettle(rig, SETTLE);

    BigDecimal exit = new BigDecimal("63800");
    rig.setMark(rig.symbol(), exit);
    rig.closeByHand();
    RigTrades.assertClosed(rig, "EXTERNAL", exit);
    rig.await(
        "no stop left working after the close by hand",
        RECONCILIATION,
        () -> rig.workingStops().isEmpty());
    CampaignInvariants.assertSettle(rig, SETTLE);
    auditRowsAreTheEventsEmitted(shared);
  }

  /**
   * Scenario 15: the database connection is cut while the audit journal's batch is on it (its COPY
   * sent, the answers lost). The batch is written again: every event once, none lost, nothing
   * dead-lettered, and the opening is protected all the same.
   */
  @ParameterizedTest
  @EnumSource(CampaignVenue.class)
  @Order(3)
  void databaseConnectionCutMidBatch_theBatchIsRetried_noDuplicateNoneLost(CampaignVenue venue)
      throws Exception {
    Shared shared = on(venue);
    RunnerRig rig = shared.rig();
    TcpProxy proxy = shared.proxy();
    long entriesBefore = rig.count(ENTRY_EVENTS);
    long failedBefore = occurrences(rig, "audit journal write failed");
    long reachedBefore = occurrences(rig, "audit journal reachable again");
    int cutsBefore = proxy.cuts();
    proxy.cutOnceAfter("COPY monitoring.events", Duration.ofMillis(300));
    RigTrades.openLong(rig);
    rig.await("the journal's connection cut", SETTLE, () -> proxy.cuts() == cutsBefore + 1);
    rig.await(
        "the journal written again after the cut",
        SETTLE,
        () -> occurrences(rig, "audit journal reachable again") > reachedBefore);
    assertThat(occurrences(rig, "audit journal write failed"))
        .as("the cut batch's failure logged")
        .isGreaterThan(failedBefore);
    try {
      rig.await("the entry's event written", SETTLE, () -> rig.count(ENTRY_EVENTS) > entriesBefore);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; events stored: " + AuditCounts.stored(rig), e);
    }
    assertThat(rig.count(ENTRY_EVENTS)).as("the entry's event, once").isEqualTo(entriesBefore + 1);
    auditRowsAreTheEventsEmitted(shared);

    rig.setMark(rig.symbol(), STOP_HIT);
    RigTrades.assertClosed(rig, "STOP_LOSS", STOP_HIT);
    CampaignInvariants.assertSettle(rig, SETTLE);
    auditRowsAreTheEventsEmitted(shared);
  }

  /** I4 by count: the audit rows by type are the events the runner's counter says it emitted. */
  private static void auditRowsAreTheEventsEmitted(Shared shared) throws InterruptedException {
    AuditCounts.assertRowsAreTheEventsEmitted(shared.rig(), shared.metricsPort(), SETTLE);
  }

  private static long occurrences(RunnerRig rig, String text) {
    return rig.occurrences(text);
  }
}
