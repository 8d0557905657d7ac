package io.positionkeeper.runner.live;

import static io.positionkeeper.runner.live.LiveFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.TestSql;
import io.positionkeeper.runner.alerts.AlertSender;
import io.positionkeeper.runner.alerts.AlertTarget;
import io.positionkeeper.runner.alerts.LoopbackReceiver;
import io.positionkeeper.runner.ops.Observability;
import io.positionkeeper.runner.ops.OpsSettings;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live mode on the Binance emulator with the metrics endpoint and a webhook: health is ready once
 * the streams resynced with the database up and the lease held; a scrape shows the opened position
 * protected; a dropped stream counts as a reconnect; a lost lease is told to the webhook.
 */
class LiveObservabilityIT {
  private static final String ACCOUNT = "obs-account";

  private static final Symbol BTC = Symbol.of("BTCUSDT");

  @TempDir Path home;
  private BinanceEmulator venue;
  private EmbeddedDatabase db;
  private HikariDataSource pool;
  private LoopbackReceiver receiver;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    venue = BinanceEmulator.start();
    venue.addInstrument("BTCUSDT", "0.1", "0.001", "0.001", "120", "100");
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
    db = EmbeddedDatabase.start(home.resolve("pg"), true);
    pool = PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"));
    Migrations.migrate(pool);
    receiver = new LoopbackReceiver();
  }

  @AfterEach
  void close() {
    receiver.close();
    pool.close();
    db.close();
    venue.close();
  }

  @Test
  void healthMetricsAndAlerts_followTheLiveSession() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    OpsSettings ops =
        new OpsSettings(
            Optional.of(new Observability.Endpoint("127.0.0.1", port)),
            List.of(new AlertTarget.Webhook(URI.create(receiver.base() + "/hook"))),
            new AlertSender.Policy(64, 3, Duration.ofMillis(50), 100, Duration.ofSeconds(5)),
            Duration.ofSeconds(30),
            Duration.ofMillis(200));
    LiveSession session =
        new LiveSession(
                config(), env(), home, Clock.system(), Duration.ofMillis(50), Duration.ofSeconds(3))
            .withOps(ops);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    session.run();
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
    await("ready", () -> status(port, "/health") == 200, failure);

    sql(
        "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
            + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
            + " VALUES ('"
            + ACCOUNT
            + "', 'BINANCE', 'BTCUSDT', 'LONG', 1000, 'QUOTE', 2, 1.5, 0.5)");
    await("one open position", () -> metric(port, "keeper_open_positions") == 1, failure);
    // The fill's record reaches the metrics when the audit writer's batch is stored, the stop's
    // when the opener stored it with the row.
    await(
        "the fill verified and the stop placed",
        () ->
            metric(port, "keeper_fill_verification_seconds_count") == 1
                && metric(port, "keeper_open_flow_seconds_count") == 1,
        failure);
    String text = get(port, "/metrics").body();
    assertThat(value(text, "keeper_unprotected_positions")).isZero();
    assertThat(value(text, "keeper_lease_held")).isEqualTo(1);
    assertThat(value(text, "keeper_streams_resynced{exchange=\"BINANCE\"}")).isEqualTo(1);
    assertThat(value(text, "keeper_open_flow_seconds_sum")).isPositive();

    venue.dropStreams();
    await(
        "a reconnect counted, then ready again",
        () ->
            metric(port, "keeper_stream_reconnects_total{exchange=\"BINANCE\"}") >= 1
                && status(port, "/health") == 200,
        failure);

    sql("UPDATE monitoring.account_leases SET epoch = epoch + 1, holder = 'other-runner'");
    runner.join(Duration.ofSeconds(30).toMillis());
    assertThat(runner.isAlive()).isFalse();
    assertThat(failure.get()).isInstanceOf(StaleLeaseException.class);
    assertThat(receiver.requests())
        .anySatisfy(r -> assertThat(r.body()).contains("\"kind\":\"LEASE_LOST\""));
    assertThat(receiver.requests())
        .noneSatisfy(r -> assertThat(r.body()).contains(venue.apiSecret()));
  }

  private LiveConfig config() {
    return new LiveConfig(
        ACCOUNT,
        LiveConfig.Venue.CUSTOM,
        venue.config(),
        Map.of(BTC, new TradingSettings.SymbolSettings(5, TradingSettings.MarginType.ISOLATED)),
        db.jdbcUrl(),
        "postgres",
        new LiveConfig.SignalInput.Database());
  }

  private Map<String, String> env() {
    return Map.of(
        "BINANCE_API_KEY",
        venue.apiKey(),
        "BINANCE_API_SECRET",
        venue.apiSecret(),
        LiveSession.DB_PASSWORD_VAR,
        "postgres");
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int status(int port, String path) {
    try {
      return get(port, path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private double metric(int port, String sample) {
    try {
      return value(get(port, "/metrics").body(), sample);
    } catch (Exception | AssertionError e) {
      return Double.NaN;
    }
  }

  static double value(String text, String sample) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(text);
    if (!m.find()) {
      throw new AssertionError("no sample " + sample + " in:\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }

  private void sql(String statement) throws Exception {
    TestSql.execute(pool, statement);
  }
}
