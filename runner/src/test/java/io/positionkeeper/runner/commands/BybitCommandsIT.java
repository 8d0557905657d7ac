package io.positionkeeper.runner.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.TestSql;
import io.positionkeeper.runner.commands.CommandsIT.Run;
import io.positionkeeper.runner.live.ExchangeSettings;
import io.positionkeeper.runner.live.LiveConfig;
import io.positionkeeper.runner.live.LiveSession;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code reconcile --dry-run} and {@code status} on a Bybit live configuration: a live runner opens
 * a position on the Bybit emulator and stops; the commands then read the venue through the real
 * Bybit gateway, read-only, and the database.
 */
class BybitCommandsIT {
  private static final String ACCOUNT = "bybit-cmd";
  private static final Symbol BTC = Symbol.of("BTCUSDT");

  @TempDir Path home;
  private BybitEmulator venue;
  private EmbeddedDatabase db;
  private HikariDataSource pool;
  private Path config;

  @BeforeEach
  void aRunnerOpenedAPositionAndStopped() throws Exception {
    venue = BybitEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
    db = EmbeddedDatabase.start(home.resolve("pg"), true);
    pool = PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"));
    Migrations.migrate(pool);
    config = home.resolve("live.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "account=" + ACCOUNT,
            "exchange=bybit",
            "environment=custom",
            "bybit.restUrl=" + venue.restBaseUrl(),
            "bybit.publicStreamUrl=" + venue.publicStreamUrl(),
            "bybit.privateStreamUrl=" + venue.privateStreamUrl(),
            "bybit.keys=testnet",
            "symbols=BTCUSDT",
            "symbol.BTCUSDT.leverage=5",
            "database.url=" + db.jdbcUrl(),
            "database.user=postgres",
            "signals=database",
            ""));
    openOnePositionWithALiveRunner();
  }

  @AfterEach
  void close() {
    pool.close();
    db.close();
    venue.close();
  }

  @Test
  void reconcileDryRun_findsThePositionAndItsStopInSync_andWritesNothingToTheVenue() {
    long writesBefore = venueWrites();

    Run run = reconcile("--config", config.toString(), "--dry-run");

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("BYBIT: 1 stored open, 1 open on the venue, 1 in sync");
    assertThat(run.out()).contains("nothing to change");
    assertThat(venueWrites()).as("no order, stop or leverage sent").isEqualTo(writesBefore);
  }

  @Test
  void reconcileDryRun_plansToCloseTheRowOfAPositionClosedByHand_andChangesNothing()
      throws Exception {
    venue.closeByHand(BTC);
    long writesBefore = venueWrites();

    Run run = reconcile("--config", config.toString(), "--dry-run", "--json");

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.ATTENTION);
    JsonObject o = JsonParser.parseString(run.out()).getAsJsonObject();
    assertThat(o.get("exchange").getAsString()).isEqualTo("BYBIT");
    assertThat(o.get("venueOpen").getAsInt()).isZero();
    assertThat(o.getAsJsonArray("planned")).hasSize(1);
    assertThat(o.getAsJsonArray("planned").get(0).getAsJsonObject().get("action").getAsString())
        .isEqualTo("ClosePhantom");
    assertThat(one("SELECT status FROM monitoring.positions")).isEqualTo("ACTIVE");
    assertThat(venueWrites()).isEqualTo(writesBefore);
  }

  @Test
  void status_showsTheConfiguredBybitLeverage() {
    Run run = keeper("status", "--config", config.toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    String line = run.out().lines().filter(l -> l.contains("BTCUSDT")).findFirst().orElseThrow();
    assertThat(line).contains(ACCOUNT, "BYBIT", "LONG", "ACTIVE", "5x");

    Run json = keeper("status", "--config", config.toString(), "--json");
    JsonObject p =
        JsonParser.parseString(json.out())
            .getAsJsonObject()
            .getAsJsonArray("positions")
            .get(0)
            .getAsJsonObject();
    assertThat(p.get("leverage").getAsInt()).isEqualTo(5);
  }

  private Run reconcile(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // The real read-only opener; only the keys come from here rather than the environment.
    int exit =
        new CommandLine(
                new ReconcileCommand((live, env) -> ReconcileCommand.readOnly(live, keys())))
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Run keeper(String... args) {
    return CommandsIT.keeper(args);
  }

  private Map<String, String> keys() {
    return Map.of(
        "BYBIT_TESTNET_API_KEY", venue.apiKey(), "BYBIT_TESTNET_API_SECRET", venue.apiSecret());
  }

  private long venueWrites() {
    return venue.requests().stream().filter(r -> r.method().equals("POST")).count();
  }

  private void openOnePositionWithALiveRunner() throws Exception {
    LiveConfig live =
        new LiveConfig(
            ACCOUNT,
            LiveConfig.Venue.CUSTOM,
            new ExchangeSettings.Bybit(venue.configBuilder().leverage(BTC, 5).build(), Set.of(BTC)),
            db.jdbcUrl(),
            "postgres",
            new LiveConfig.SignalInput.Database());
    LiveSession session =
        new LiveSession(live, keys(), home, Clock.system(), Duration.ofMillis(50));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner =
        Thread.ofPlatform()
            .name("bybit-commands-session")
            .start(
                () -> {
                  try {
                    session.run();
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
    try {
      sql(
          "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
              + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
              + " VALUES ('"
              + ACCOUNT
              + "', 'BYBIT', 'BTCUSDT', 'LONG', 1000, 'QUOTE', 2, 1.5, 0.5)");
      await(
          () ->
              "ACTIVE".equals(one("SELECT status FROM monitoring.positions"))
                  && venue.stopLoss(BTC).signum() > 0,
          failure);
    } finally {
      session.stop();
      runner.join(Duration.ofSeconds(30).toMillis());
    }
    assertThat(runner.isAlive()).isFalse();
    assertThat(failure.get()).isNull();
  }

  private static void await(BooleanSupplier condition, AtomicReference<Throwable> failure)
      throws InterruptedException {
    Instant until = Instant.now().plusSeconds(60);
    while (!condition.getAsBoolean()) {
      if (failure.get() != null) {
        throw new AssertionError("the live session failed", failure.get());
      }
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting for the position and its stop");
      }
      Thread.sleep(50);
    }
  }

  private void sql(String statement) throws Exception {
    TestSql.execute(pool, statement);
  }

  private String one(String query) {
    return TestSql.one(pool, query);
  }
}
