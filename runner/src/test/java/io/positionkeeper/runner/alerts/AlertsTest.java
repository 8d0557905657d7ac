package io.positionkeeper.runner.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Alerts from the keeper's records and checks to a receiver on loopback, through every preset. */
class AlertsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String TOKEN = "123456:SECRET-TOKEN";
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger alertsLog =
      (Logger) LoggerFactory.getLogger("io.positionkeeper.runner.alerts");

  @BeforeEach
  void captureLogs() {
    logs.start();
    alertsLog.addAppender(logs);
    alertsLog.setLevel(Level.DEBUG);
  }

  @AfterEach
  void noSecretInAnyLogLine() {
    alertsLog.detachAppender(logs);
    assertThat(logs.list)
        .allSatisfy(
            e -> {
              assertThat(e.getFormattedMessage()).doesNotContain("SECRET");
              assertThat(
                      String.valueOf(
                          e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage()))
                  .doesNotContain("SECRET");
            });
  }

  private static AlertSender.Policy fast(int queue, int attempts) {
    return new AlertSender.Policy(
        queue, attempts, Duration.ofMillis(20), 1_000, Duration.ofSeconds(30));
  }

  private static List<AlertTarget> presets(String base) {
    return List.of(
        new AlertTarget.Webhook(URI.create(base + "/hook/SECRET-HOOK")),
        new AlertTarget.Telegram(URI.create(base), TOKEN, "42"),
        new AlertTarget.Discord(URI.create(base + "/api/webhooks/1/SECRET-DISCORD")),
        new AlertTarget.Slack(URI.create(base + "/services/T1/B1/SECRET-SLACK")));
  }

  static AuditRecord record(String type, Map<String, String> payload) {
    return new AuditRecord(
        "ev-" + type + "-" + System.nanoTime(),
        T0,
        Exchange.BINANCE,
        Optional.of(new Symbol("BTCUSDT")),
        OptionalLong.of(7),
        "k-7",
        type,
        Severity.ERROR,
        payload);
  }

  @Test
  void everyAlertKind_reachesTheLoopbackReceiver_throughEveryPreset() throws Exception {
    try (LoopbackReceiver receiver = new LoopbackReceiver();
        AlertSender sender = new AlertSender(presets(receiver.base()), fast(64, 3))) {
      AlertRules rules = new AlertRules(sender::offer, () -> T0);
      rules.onRecord(
          record(
              "EMERGENCY_CLOSE", Map.of("reason", "no stop", "succeeded", "true", "detail", "x")));
      rules.onRecord(
          record(
              "STOP_PLACEMENT_FAILED",
              Map.of("attempt", "3", "failure", "-2021", "willRetry", "false")));
      rules.onRecord(record("POSITION_ADOPTED", Map.of("side", "LONG", "quantity", "1")));
      rules.onRecord(
          record("OPERATION_FAILED", Map.of("operation", "moveStop.repeated", "detail", "-2021")));
      rules.onRecord(record("OPERATION_FAILED", Map.of("operation", "moveStop", "detail", "one")));
      rules.onDatabaseFailure("audit journal", new PersistenceException("connection refused"));
      rules.onDatabaseAnswered("audit journal");
      AtomicBoolean lease = new AtomicBoolean(true);
      AtomicLong dead = new AtomicLong();
      List<Position> book = new ArrayList<>(List.of(unprotected()));
      Instant[] now = {T0};
      AlertWatch watch =
          new AlertWatch(
              () -> book,
              dead::get,
              lease::get,
              sender::offer,
              () -> now[0],
              Duration.ofSeconds(30));
      watch.check();
      now[0] = T0.plusSeconds(31);
      dead.set(2);
      lease.set(false);
      watch.check();
      watch.check(); // told once: nothing new

      int kinds = EnumSet.allOf(Alert.Kind.class).size();
      List<LoopbackReceiver.Request> got = receiver.await(kinds * 4);
      assertThat(got).hasSize(kinds * 4);
      Set<String> webhookKinds =
          got.stream()
              .filter(r -> r.path().equals("/hook/SECRET-HOOK"))
              .map(
                  r -> JsonParser.parseString(r.body()).getAsJsonObject().get("kind").getAsString())
              .collect(Collectors.toSet());
      assertThat(webhookKinds)
          .isEqualTo(
              EnumSet.allOf(Alert.Kind.class).stream().map(Enum::name).collect(Collectors.toSet()));
      List<JsonObject> telegram =
          got.stream()
              .filter(r -> r.path().equals("/bot" + TOKEN + "/sendMessage"))
              .map(r -> JsonParser.parseString(r.body()).getAsJsonObject())
              .toList();
      assertThat(telegram).hasSize(kinds);
      assertThat(telegram)
          .allSatisfy(t -> assertThat(t.get("chat_id").getAsString()).isEqualTo("42"));
      assertThat(telegram.stream().map(t -> t.get("text").getAsString()))
          .anySatisfy(t -> assertThat(t).contains("EMERGENCY_CLOSE", "BTCUSDT", "#7"));
      assertThat(got.stream().filter(r -> r.path().startsWith("/api/webhooks/")))
          .allSatisfy(
              r ->
                  assertThat(JsonParser.parseString(r.body()).getAsJsonObject().has("content"))
                      .isTrue());
      assertThat(got.stream().filter(r -> r.path().startsWith("/services/")))
          .allSatisfy(
              r ->
                  assertThat(JsonParser.parseString(r.body()).getAsJsonObject().has("text"))
                      .isTrue());
      assertThat(got).noneSatisfy(r -> assertThat(r.body()).contains("SECRET"));
      assertThat(sender.sent()).isEqualTo(kinds * 4L);
    }
  }

  @Test
  void aFailingReceiver_isRetriedWithBackoff_untilItAnswers() throws Exception {
    try (LoopbackReceiver receiver = new LoopbackReceiver();
        AlertSender sender =
            new AlertSender(
                List.of(new AlertTarget.Webhook(URI.create(receiver.base() + "/hook/SECRET-HOOK"))),
                fast(8, 4))) {
      receiver.answer(503, 429);
      sender.offer(new Alert(Alert.Kind.LEASE_LOST, T0, "lease lost", Map.of()));
      assertThat(receiver.await(3)).hasSize(3);
      sender.close(Duration.ofSeconds(5));
      assertThat(sender.sent()).isEqualTo(1);
      assertThat(sender.failed()).isZero();
    }
  }

  @Test
  void aReceiverThatHangs_neverBlocksTheCaller_theQueueDropsAndCounts() throws Exception {
    try (LoopbackReceiver receiver = new LoopbackReceiver();
        AlertSender sender =
            new AlertSender(
                List.of(
                    new AlertTarget.Slack(URI.create(receiver.base() + "/services/SECRET-SLACK"))),
                fast(4, 2))) {
      receiver.hang();
      for (int i = 0; i < 100; i++) {
        sender.offer(new Alert(Alert.Kind.DEAD_LETTERS, T0, "n" + i, Map.of()));
      }
      // One alert is in flight (held by the receiver), four wait in the queue, the rest dropped.
      assertThat(sender.dropped()).isGreaterThanOrEqualTo(95);
      assertThat(receiver.await(1)).hasSize(1);
    }
  }

  @Test
  void aReceiverThatIsDown_failsAfterItsRetries_countedAndLogged_withoutTheAddress()
      throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    AlertTarget telegram =
        new AlertTarget.Telegram(URI.create("http://127.0.0.1:" + closedPort), TOKEN, "42");
    try (AlertSender sender = new AlertSender(List.of(telegram), fast(8, 2))) {
      sender.offer(new Alert(Alert.Kind.EMERGENCY_CLOSE, T0, "x", Map.of()));
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (sender.failed() == 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(sender.failed()).isEqualTo(1);
      assertThat(sender.sent()).isZero();
    }
    assertThat(logs.list)
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("telegram", "given up"));
    assertThat(telegram.toString()).doesNotContain("SECRET").contains("42");
    assertThat(presets("http://x").toString()).doesNotContain("SECRET");
  }

  @Test
  void stopFailuresThatWillBeRetried_andTheOpenersOwnStops_areNoAlerts() {
    List<Alert> told = new ArrayList<>();
    AlertRules rules = new AlertRules(told::add, () -> T0);
    rules.onRecord(
        record(
            "STOP_PLACEMENT_FAILED", Map.of("willRetry", "true", "failure", "x", "attempt", "1")));
    rules.onRecord(record("STOP_PLACED", Map.of("context", "opening")));
    rules.onRecord(record("POSITION_CLOSED", Map.of("reason", "TRAILING_STOP")));
    assertThat(told).isEmpty();
    rules.onRecord(record("STOP_PLACED", Map.of("context", "reconciliation")));
    rules.onRecord(record("POSITION_CLOSED", Map.of("reason", "PHANTOM")));
    assertThat(told)
        .extracting(Alert::kind)
        .containsOnly(Alert.Kind.RECONCILIATION_CHANGE)
        .hasSize(2);
  }

  private static Position unprotected() {
    return Position.active(
        7,
        new PositionKey(Exchange.BINANCE, new Symbol("BTCUSDT")),
        PositionSide.LONG,
        new BigDecimal("0.5"),
        new BigDecimal("64000"),
        new ClientOrderId("k-7"),
        Optional.empty(),
        Phase.ACTIVE,
        T0);
  }
}
