package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BybitRig.CREATE;
import static io.positionkeeper.runner.campaign.BybitRig.TRADING_STOP;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.bybit.emulator.BybitEmulator.RecordedRequest;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault campaign on Bybit: the runner as a child JVM against the Bybit emulator, which answers
 * ambiguously (10016, a 5xx), refuses (10002), rate-limits (10006, 10018 with their reset headers)
 * and drops its streams as the venue does. Each scenario asserts what a trader would see and then
 * the invariants I1 to I5.
 */
class BybitFaultIT {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final Duration OPENING = Duration.ofSeconds(60);
  private static final String CLOCK = "invalid request, please check your server timestamp";

  @TempDir Path home;

  /** Scenario 6: 10016 on the entry and a 502 on the stop, both after effect; found by query. */
  @Test
  void ambiguousAnswersToTheEntryAndTheStop_areSettledByQuery_neverResent() throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().failNextAfterEffect("POST", CREATE, 200, 10016);
      rig.venue().faults().failNextAfterEffect("POST", TRADING_STOP, 502, 0);
      rig.signalLong();

      awaitOutcome(rig, "OPENED");

      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.positionAmount()).isEqualByComparingTo("0.015");
      assertThat(rig.entryOrders()).as("entry orders sent").hasSize(1);
      assertThat(rig.requests("POST", TRADING_STOP)).as("stops set").hasSize(1);
      assertThat(eventField(rig, "ENTRY_ORDER_PLACED", "resolvedByQuery"))
          .as("the entry's outcome was settled by a query")
          .isEqualTo("true");
    }
  }

  /**
   * Scenario 6, the order applied after its answer: 10016 now, the fill 3 s later (Bybit creates
   * orders asynchronously); never sent again, and the position that appears late ends protected.
   */
  @Test
  void entryAppliedAfterAnAmbiguousAnswer_isNeverResent_andEndsProtected() throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().serverErrorAndApplyLate("POST", CREATE, Duration.ofSeconds(3));
      rig.signalLong();

      rig.await(
          "the signal to be settled",
          OPENING,
          () -> rig.one("SELECT outcome FROM monitoring.signals") != null);
      rig.await("the late fill on the venue", SETTLE, () -> rig.positionAmount().signum() != 0);

      // Reconciliation runs every minute: the late position is protected within one period.
      CampaignInvariants.assertSettle(rig, Duration.ofSeconds(120));
      assertThat(rig.entryOrders()).as("entry orders sent").hasSize(1);
      assertThat(rig.positionAmount()).isEqualByComparingTo("0.015");
    }
  }

  /**
   * Scenario 7: the stop refused for the timestamp (10002, the venue did nothing) on two attempts,
   * each of which resyncs the clock and sends once more; set on the third attempt.
   */
  @Test
  void stopFailingTwice_isSetOnTheThirdAttempt() throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().failNext("POST", TRADING_STOP, 4, 10002, CLOCK);
      rig.signalLong();

      awaitOutcome(rig, "OPENED");

      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.requests("POST", TRADING_STOP))
          .as("trading-stop requests: two attempts of two refused sends, one set")
          .hasSize(5);
      assertThat(eventField(rig, "STOP_PLACED", "attempts")).isEqualTo("3");
      rig.await(
          "one STOP_PLACEMENT_FAILED event per failed attempt",
          SETTLE,
          () ->
              rig.count(
                      "SELECT count(*) FROM monitoring.events WHERE type = 'STOP_PLACEMENT_FAILED'"
                          + " AND payload->>'willRetry' = 'true'")
                  == 2);
    }
  }

  /**
   * Scenarios 7 and 8: the stop is never set, so the position is closed at market; the close meets
   * Bybit's IP limit (10018) with a reset 3 s ahead and goes out once it has passed, without a
   * storm meanwhile. The row is closed as an emergency and the webhook gets the alert.
   */
  @Test
  void stopNeverSet_theEmergencyCloseWaitsOutA10018_closesFlat_andAlerts() throws Exception {
    try (WebhookReceiver webhook = WebhookReceiver.start();
        BybitRig rig = BybitRig.start(home)) {
      rig.configure("alerts=webhook", "KEEPER_ALERT_WEBHOOK_URL", webhook.url());
      rig.startRunner();
      rig.venue().faults().failNext("POST", TRADING_STOP, 10_000, 10002, CLOCK);
      rig.signalLong();
      rig.await("the entry order", SETTLE, () -> !rig.entryOrders().isEmpty());
      rig.venue().faults().rateLimitNext("POST", CREATE, 1, 10018, Duration.ofSeconds(3));

      awaitOutcome(rig, "FAILED");
      rig.await("the position closed", SETTLE, () -> rig.positionAmount().signum() == 0);

      List<RecordedRequest> closes = rig.closeOrders();
      assertThat(closes).as("the limited close and the close after the reset").hasSize(2);
      assertWaitedOut(rig, closes.get(0), closes.get(1), Duration.ofSeconds(3));
      assertThat(rig.one("SELECT status || ' ' || close_reason FROM monitoring.positions"))
          .isEqualTo("CLOSED EMERGENCY");
      rig.await(
          "the emergency close alert",
          SETTLE,
          () -> webhook.bodies().stream().anyMatch(b -> b.contains("\"EMERGENCY_CLOSE\"")));
      assertThat(webhook.bodies()).anyMatch(b -> b.contains("\"STOP_NOT_PLACED\""));
      rig.venue().faults().clear();
      CampaignInvariants.assertSettle(rig, SETTLE);
    }
  }

  /** Scenario 8: 10006 on the stop; set after the reset timestamp, no storm meanwhile. */
  @Test
  void stopRateLimited_isSetAfterTheReset_withoutAStorm() throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().rateLimitNext("POST", TRADING_STOP, 1, 10006, Duration.ofSeconds(3));
      rig.signalLong();

      awaitOutcome(rig, "OPENED");

      CampaignInvariants.assertSettle(rig, SETTLE);
      List<RecordedRequest> stops = rig.requests("POST", TRADING_STOP);
      assertThat(stops).as("the limited stop and the one after the reset").hasSize(2);
      assertWaitedOut(rig, stops.get(0), stops.get(1), Duration.ofSeconds(3));
    }
  }

  /**
   * Scenario 9: the fill's stream messages are held by the venue and the streams dropped as the
   * entry goes out; the fill is confirmed over REST, and the held messages that arrive after the
   * reconnect do not count it twice.
   */
  @Test
  void streamDroppedDuringTheFill_confirmedWithoutIt_notCountedTwiceAfterReconnect()
      throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();
      Duration held = Duration.ofSeconds(4);
      for (String topic : List.of("order", "execution", "position")) {
        rig.venue().faults().delayTopic(topic, held);
      }
      int logins = rig.venue().privateLogins();
      rig.signalLong();
      rig.await("the entry order", SETTLE, () -> !rig.entryOrders().isEmpty());
      rig.venue().dropStreams();
      Instant dropped = Instant.now();

      awaitOutcome(rig, "OPENED");
      rig.await(
          "the private stream reconnected", SETTLE, () -> rig.venue().privateLogins() > logins);
      rig.await(
          "the held messages delivered",
          SETTLE,
          () -> Instant.now().isAfter(dropped.plus(held).plusSeconds(2)));

      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.positionAmount()).isEqualByComparingTo("0.015");
      assertThat(rig.one("SELECT quantity FROM monitoring.positions WHERE status = 'ACTIVE'"))
          .as("the row's quantity, the fill counted once")
          .satisfies(q -> assertThat(new BigDecimal(q)).isEqualByComparingTo("0.015"));
      assertThat(rig.entryOrders()).as("entry orders sent").hasSize(1);
      assertThat(logins).as("a private stream before the drop").isPositive();
    }
  }

  /**
   * The request after the limit arrived no sooner than the reset (on the venue's clock), and during
   * the limit the venue saw no storm: at most two requests that were already under way.
   */
  private static void assertWaitedOut(
      BybitRig rig, RecordedRequest limited, RecordedRequest after, Duration reset) {
    assertThat(Duration.between(limited.receivedAt(), after.receivedAt()))
        .as("the wait between the limited request and the next one")
        .isGreaterThanOrEqualTo(reset);
    Instant ends = limited.receivedAt().plus(reset);
    List<RecordedRequest> during =
        rig.venue().requests().stream()
            .filter(r -> r.receivedAt().isAfter(limited.receivedAt()))
            .filter(r -> r.receivedAt().isBefore(ends))
            .toList();
    assertThat(during).as("requests the venue received during the limit").hasSizeLessThan(3);
  }

  /** A field of the one stored event of this type, once the audit trail has written it. */
  private static String eventField(BybitRig rig, String type, String field)
      throws InterruptedException {
    String where = " FROM monitoring.events WHERE type = '" + type + "'";
    rig.await("a " + type + " event", SETTLE, () -> rig.count("SELECT count(*)" + where) > 0);
    assertThat(rig.count("SELECT count(*)" + where)).as(type + " events").isEqualTo(1);
    return rig.one("SELECT payload->>'" + field + "'" + where);
  }

  private static void awaitOutcome(BybitRig rig, String outcome) throws InterruptedException {
    rig.await(
        "the signal's outcome " + outcome,
        OPENING,
        () -> rig.one("SELECT outcome FROM monitoring.signals") != null);
    assertThat(rig.one("SELECT outcome || ': ' || coalesce(detail, '') FROM monitoring.signals"))
        .startsWith(outcome);
  }
}
