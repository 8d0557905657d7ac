package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.Main;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner as a shell user starts it: a child JVM, its exit codes, SIGTERM. */
class LiveProcessIT {
  @TempDir Path home;

  @Test
  void aBadConfiguration_exitsWith2_beforeAnyConnection_namingTheFieldAndTheFix() throws Exception {
    Path config = home.resolve("live.properties");
    Files.writeString(
        config,
        Files.readString(Path.of("live.example.properties"))
            .replace("symbol.ETHUSDT.leverage=3", "symbol.ETHUSDT.leverage=300"));

    Process p = start(List.of("run", "--config", config.toString()), Map.of());

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(err).contains("symbol.ETHUSDT.leverage", "1..125");
  }

  @Test
  void sigterm_stopsTheRunner_andThePositionStaysProtectedOnTheVenue() throws Exception {
    Symbol btc = Symbol.of("BTCUSDT");
    try (BinanceEmulator venue = BinanceEmulator.start();
        EmbeddedDatabase db = EmbeddedDatabase.start(home.resolve("pg"), true);
        HikariDataSource pool =
            PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"))) {
      venue.addInstrument("BTCUSDT", "0.1", "0.001", "0.001", "120", "100");
      venue.setMarkPrice(btc, new BigDecimal("64000"));
      Migrations.migrate(pool);
      Path config = home.resolve("live.properties");
      Files.writeString(
          config,
          String.join(
              "\n",
              "account=process-it",
              "exchange=binance",
              "environment=custom",
              "binance.restUrl=" + venue.restBaseUrl(),
              "binance.marketStreamUrl=" + venue.marketStreamUrl(),
              "binance.privateStreamUrl=" + venue.privateStreamUrl(),
              "symbols=BTCUSDT",
              "symbol.BTCUSDT.leverage=4",
              "database.url=" + db.jdbcUrl(),
              "database.user=postgres",
              "signals=database"));
      Process p =
          start(
              List.of("run", "--config", config.toString()),
              Map.of(
                  "BINANCE_API_KEY", venue.apiKey(),
                  "BINANCE_API_SECRET", venue.apiSecret(),
                  "KEEPER_DB_PASSWORD", "postgres"));
      try {
        execute(
            pool,
            "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
                + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
                + " VALUES ('process-it', 'BINANCE', 'BTCUSDT', 'LONG', 1000, 'QUOTE', 2, 1.5, 0.5)");
        Instant until = Instant.now().plusSeconds(60);
        while (!"OPENED".equals(one(pool, "SELECT outcome FROM monitoring.signals"))) {
          assertThat(p.isAlive()).as("runner alive").isTrue();
          assertThat(Instant.now()).as("signal opened in time").isBefore(until);
          Thread.sleep(100);
        }

        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      } finally {
        p.destroyForcibly();
      }

      assertThat(p.exitValue()).as("128 + SIGTERM").isEqualTo(143);
      assertThat(one(pool, "SELECT status FROM monitoring.positions")).isEqualTo("ACTIVE");
      assertThat(venue.openAlgoCount("BTCUSDT")).isEqualTo(1);
      assertThat(venue.leverage("BTCUSDT")).contains(4);
    }
  }

  private Process start(List<String> args, Map<String, String> env) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                java,
                "-Dkeeper.home=" + home,
                "-Dkeeper.log=" + home.resolve("keeper.log"),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("BINANCE_") || k.startsWith("KEEPER_"));
    pb.environment().putAll(env);
    pb.redirectOutput(home.resolve("stdout.txt").toFile());
    return pb.start();
  }

  private static void execute(HikariDataSource pool, String sql) throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String one(HikariDataSource pool, String sql) throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }
}
