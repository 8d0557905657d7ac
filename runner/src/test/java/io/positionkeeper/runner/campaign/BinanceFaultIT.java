package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BinanceRig.SYMBOL;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.positionkeeper.binance.emulator.BinanceEmulator.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault campaign on Binance: the runner as a child JVM against the emulator, which answers
 * ambiguously, refuses, rate-limits and bans as the venue does. Each scenario asserts what a trader
 * would see (one entry order, a protected or a flat position, the row and its events, the alert)
 * and then the campaign's invariants I1 to I5.
 */
class BinanceFaultIT {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final Duration OPENING = Duration.ofSeconds(60);
  private static final String ORDER = "/fapi/v1/order";
  private static final String ALGO = "/fapi/v1/algoOrder";
  private static final String UNAVAILABLE = "Service Unavailable.";
  private static final String DISCONNECTED =
      "Internal error; unable to process your request. Please try again.";

  @TempDir Path home;

  /** Scenario 6: -1007 on the entry, a 5xx on the stop; both applied, both found by query. */
  @Test
  void ambiguousAnswersToTheEntryAndTheStop_areSettledByQuery_neverResent() throws Exception {
    try (BinanceRig rig = BinanceRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().timeoutAfterEffect("POST", ORDER);
      rig.venue().faults().failNextAfterEffect("POST", ALGO, 503, 0, UNAVAILABLE);
      rig.signalLong();

      awaitOutcome(rig, "OPENED");

      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.venue().positionAmount(SYMBOL)).isEqualByComparingTo("0.015");
      assertThat(entryOrders(rig)).as("entry orders sent").hasSize(1);
      assertThat(rig.venue().requestCount("POST", ALGO)).as("stops sent").isEqualTo(1);
      assertThat(eventField(rig, "ENTRY_ORDER_PLACED", "resolvedByQuery"))
          .as("the entry's outcome was settled by a query")
          .isEqualTo("true");
    }
  }

  /**
   * Scenario 6, the order applied after its answer: -1007 now, the fill 3 s later; until then the
   * venue answers "no such order". The order is never sent again, and the position that appears
   * late is protected and recorded.
   */
  @Test
  void entryAppliedAfterAnAmbiguousAnswer_isNeverResent_andEndsProtected() throws Exception {
    try (BinanceRig rig = BinanceRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().timeoutAndApplyLate("POST", ORDER, Duration.ofSeconds(3));
      rig.signalLong();

      rig.await(
          "the signal to be settled",
          OPENING,
          () -> rig.one("SELECT outcome FROM monitoring.signals") != null);
      rig.await(
          "the late fill on the venue",
          SETTLE,
          () -> rig.venue().positionAmount(SYMBOL).signum() != 0);

      // Reconciliation runs every minute: the late position is protected within one period.
      CampaignInvariants.assertSettle(rig, Duration.ofSeconds(120));
      assertThat(entryOrders(rig)).as("entry orders sent").hasSize(1);
      assertThat(rig.venue().positionAmount(SYMBOL)).isEqualByComparingTo("0.015");
    }
  }

  /**
   * Scenario 7: the stop refused twice with -1001 (the venue says nothing was done), placed on the
   * third attempt.
   */
  @Test
  void stopFailingTwice_isPlacedOnTheThirdAttempt_once() throws Exception {
    try (BinanceRig rig = BinanceRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().failNext("POST", ALGO, 2, 503, -1001, DISCONNECTED);
      rig.signalLong();

      awaitOutcome(rig, "OPENED");

      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.venue().requestCount("POST", ALGO))
          .as("stop requests the venue received: two refused, one placed")
          .isEqualTo(3);
      // The adapter may retry a -1001 once itself: the keeper's attempts are what it recorded.
      String attempts = eventField(rig, "STOP_PLACED", "attempts");
      String failedEvents =
          "SELECT count(*) FROM monitoring.events WHERE type = 'STOP_PLACEMENT_FAILED'";
      try {
        rig.await(
            "one STOP_PLACEMENT_FAILED event per failed attempt",
            SETTLE,
            () -> rig.count(failedEvents) + 1 == Long.parseLong(attempts));
      } catch (AssertionError e) {
        // reported with the numbers below
      }
      long failed = rig.count(failedEvents);
      assertThat(failed).as("failed attempts recorded").isPositive();
      assertThat(Long.parseLong(attempts)).as("attempts of the placed stop").isEqualTo(failed + 1);
      assertThat(
              rig.count(
                  "SELECT count(*) FROM monitoring.events WHERE type = 'STOP_PLACEMENT_FAILED'"
                      + " AND payload->>'willRetry' <> 'true'"))
          .as("failed attempts given up")
          .isZero();
    }
  }

  /**
   * Scenarios 7 and 8: the stop is never placed, so the position is closed at market; the close
   * meets a 418 ban and goes out once the ban's Retry-After has passed, without a storm of requests
   * during the ban. The row is closed as an emergency and the webhook gets the alert.
   */
  @Test
  void stopNeverPlaced_theEmergencyCloseWaitsOutA418Ban_closesFlat_andAlerts() throws Exception {
    try (Receiver webhook = Receiver.start();
        BinanceRig rig = BinanceRig.start(home)) {
      rig.configure("alerts=webhook", "KEEPER_ALERT_WEBHOOK_URL", webhook.url());
      rig.startRunner();
      rig.venue().faults().failNext("POST", ALGO, 10_000, 503, -1001, DISCONNECTED);
      rig.signalLong();
      rig.await("the entry order", SETTLE, () -> !entryOrders(rig).isEmpty());
      rig.venue().faults().rateLimitNext("POST", ORDER, 1, 418, 3);

      awaitOutcome(rig, "FAILED");
      rig.await(
          "the position closed", SETTLE, () -> rig.venue().positionAmount(SYMBOL).signum() == 0);

      List<RecordedRequest> closes = closeOrders(rig);
      assertThat(closes).as("the banned close and the close after the ban").hasSize(2);
      assertWaitedOut(rig, closes.get(0), closes.get(1), Duration.ofSeconds(3));
      assertThat(rig.one("SELECT status || ' ' || close_reason FROM monitoring.positions"))
          .isEqualTo("CLOSED EMERGENCY");
      assertThat(eventField(rig, "EMERGENCY_CLOSE", "succeeded")).isEqualTo("true");
      rig.await(
          "the emergency close alert",
          SETTLE,
          () -> webhook.bodies().stream().anyMatch(b -> b.contains("\"EMERGENCY_CLOSE\"")));
      assertThat(webhook.bodies()).anyMatch(b -> b.contains("\"STOP_NOT_PLACED\""));
      rig.venue().faults().clear();
      CampaignInvariants.assertSettle(rig, SETTLE);
    }
  }

  /** Scenario 8: a 429 on the stop; the stop goes out after Retry-After, no storm meanwhile. */
  @Test
  void stopRateLimited_isPlacedAfterRetryAfter_withoutAStorm() throws Exception {
    try (BinanceRig rig = BinanceRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().rateLimitNext("POST", ALGO, 1, 429, 3);
      rig.signalLong();

      awaitOutcome(rig, "OPENED");

      CampaignInvariants.assertSettle(rig, SETTLE);
      List<RecordedRequest> stops = requests(rig, "POST", ALGO);
      assertThat(stops).as("the limited stop and the one after the wait").hasSize(2);
      assertWaitedOut(rig, stops.get(0), stops.get(1), Duration.ofSeconds(3));
    }
  }

  /**
   * Scenario 9: the fill's stream events are held by the venue and the streams dropped as the entry
   * order goes out; the fill is confirmed without them, and when the held events arrive after the
   * reconnect they are not counted again.
   */
  @Test
  void streamDroppedDuringTheFill_confirmedWithoutIt_notCountedTwiceAfterReconnect()
      throws Exception {
    try (BinanceRig rig = BinanceRig.start(home)) {
      rig.startRunner();
      int connections = rig.venue().userConnections();
      Duration held = Duration.ofSeconds(4);
      rig.venue().faults().delayEvents("ORDER_TRADE_UPDATE", held);
      rig.venue().faults().delayEvents("ACCOUNT_UPDATE", held);
      rig.signalLong();
      rig.await("the entry order", SETTLE, () -> !entryOrders(rig).isEmpty());
      int opened = rig.venue().openedStreams().size();
      rig.venue().dropStreams();
      Instant dropped = Instant.now();

      awaitOutcome(rig, "OPENED");
      rig.await(
          "the user stream reconnected",
          SETTLE,
          () -> rig.venue().userConnections() >= 1 && rig.venue().openedStreams().size() > opened);
      // The held events are out by now, to whichever connection listens.
      rig.await(
          "the held events delivered",
          SETTLE,
          () -> Instant.now().isAfter(dropped.plus(held).plusSeconds(2)));

      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.venue().positionAmount(SYMBOL)).isEqualByComparingTo("0.015");
      assertThat(rig.one("SELECT quantity FROM monitoring.positions WHERE status = 'ACTIVE'"))
          .as("the row's quantity, the fill counted once")
          .satisfies(q -> assertThat(new BigDecimal(q)).isEqualByComparingTo("0.015"));
      assertThat(entryOrders(rig)).as("entry orders sent").hasSize(1);
      assertThat(connections).as("a user stream before the drop").isPositive();
    }
  }

  // ------------------------------------------------------------------ helpers

  /**
   * The request after the ban arrived no sooner than Retry-After (on the emulator's clock), and
   * during the ban the venue saw no storm: at most two requests that were already under way.
   */
  private static void assertWaitedOut(
      BinanceRig rig, RecordedRequest limited, RecordedRequest after, Duration retryAfter) {
    assertThat(Duration.between(limited.receivedAt(), after.receivedAt()))
        .as("the wait between the limited request and the next one")
        .isGreaterThanOrEqualTo(retryAfter);
    Instant banEnds = limited.receivedAt().plus(retryAfter);
    List<RecordedRequest> duringBan =
        rig.venue().requests().stream()
            .filter(r -> r.receivedAt().isAfter(limited.receivedAt()))
            .filter(r -> r.receivedAt().isBefore(banEnds))
            .toList();
    assertThat(duringBan).as("requests the venue received during the ban").hasSizeLessThan(3);
  }

  /** A field of the one stored event of this type, once the audit trail has written it. */
  private static String eventField(BinanceRig rig, String type, String field)
      throws InterruptedException {
    String where = " FROM monitoring.events WHERE type = '" + type + "'";
    try {
      rig.await("a " + type + " event", SETTLE, () -> rig.count("SELECT count(*)" + where) > 0);
    } catch (AssertionError missing) {
      throw new AssertionError(
          missing.getMessage()
              + "; events stored: "
              + rig.one("SELECT string_agg(type, ', ' ORDER BY id) FROM monitoring.events"),
          missing);
    }
    assertThat(rig.count("SELECT count(*)" + where)).as(type + " events").isEqualTo(1);
    return rig.one("SELECT payload->>'" + field + "'" + where);
  }

  private static void awaitOutcome(BinanceRig rig, String outcome) throws InterruptedException {
    rig.await(
        "the signal's outcome " + outcome,
        OPENING,
        () -> rig.one("SELECT outcome FROM monitoring.signals") != null);
    assertThat(rig.one("SELECT outcome || ': ' || coalesce(detail, '') FROM monitoring.signals"))
        .startsWith(outcome);
  }

  private static List<RecordedRequest> requests(BinanceRig rig, String method, String path) {
    return rig.venue().requests().stream()
        .filter(r -> r.method().equals(method) && r.path().equals(path))
        .toList();
  }

  private static List<RecordedRequest> entryOrders(BinanceRig rig) {
    return requests(rig, "POST", ORDER).stream()
        .filter(r -> !"true".equalsIgnoreCase(r.params().get("reduceOnly")))
        .toList();
  }

  private static List<RecordedRequest> closeOrders(BinanceRig rig) {
    return requests(rig, "POST", ORDER).stream()
        .filter(r -> "true".equalsIgnoreCase(r.params().get("reduceOnly")))
        .toList();
  }

  /** A local HTTP endpoint standing in for the trader's alert webhook. */
  private static final class Receiver implements AutoCloseable {
    private final HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    private Receiver(HttpServer server) {
      this.server = server;
    }

    static Receiver start() throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      Receiver receiver = new Receiver(server);
      server.createContext(
          "/",
          exchange -> {
            try (exchange;
                InputStream in = exchange.getRequestBody()) {
              receiver.bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              exchange.sendResponseHeaders(204, -1);
            }
          });
      server.start();
      return receiver;
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    }

    List<String> bodies() {
      return List.copyOf(bodies);
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
