package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.TestSql;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The live end-to-end set-up the newer ITs share: the Binance emulator with BTCUSDT, an embedded
 * PostgreSQL (migrated), a live configuration for both, sessions run on threads of their own.
 */
final class LiveFixture implements AutoCloseable {
  static final Symbol BTC = Symbol.of("BTCUSDT");

  final Path home;
  final BinanceEmulator venue;
  final EmbeddedDatabase db;
  final HikariDataSource pool;

  LiveFixture(Path home) {
    this.home = home;
    venue = BinanceEmulator.start();
    venue.addInstrument("BTCUSDT", "0.1", "0.001", "0.001", "120", "100");
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
    db = EmbeddedDatabase.start(home.resolve("pg"), true);
    pool = PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"));
    Migrations.migrate(pool);
  }

  LiveConfig config(LiveConfig.SignalInput signals) {
    return new LiveConfig(
        "it-account",
        LiveConfig.Venue.CUSTOM,
        venue.config(),
        Map.of(BTC, new TradingSettings.SymbolSettings(5, TradingSettings.MarginType.ISOLATED)),
        db.jdbcUrl(),
        "postgres",
        signals);
  }

  Map<String, String> env() {
    return Map.of(
        "BINANCE_API_KEY",
        venue.apiKey(),
        "BINANCE_API_SECRET",
        venue.apiSecret(),
        LiveSession.DB_PASSWORD_VAR,
        "postgres");
  }

  LiveSession session(LiveConfig.SignalInput signals) {
    return new LiveSession(config(signals), env(), home, Clock.system(), Duration.ofMillis(50));
  }

  /** Properties for {@code keeper run}, as a user writes them. */
  List<String> properties(String account, String signals) {
    return List.of(
        "account=" + account,
        "exchange=binance",
        "environment=custom",
        "binance.restUrl=" + venue.restBaseUrl(),
        "binance.marketStreamUrl=" + venue.marketStreamUrl(),
        "binance.privateStreamUrl=" + venue.privateStreamUrl(),
        "symbols=BTCUSDT",
        "symbol.BTCUSDT.leverage=4",
        "database.url=" + db.jdbcUrl(),
        "database.user=postgres",
        "signals=" + signals);
  }

  static Thread runInBackground(LiveSession session, AtomicReference<Throwable> failure) {
    return Thread.ofPlatform()
        .name("live-session")
        .start(
            () -> {
              try {
                session.run();
              } catch (Throwable e) {
                failure.set(e);
              }
            });
  }

  static void await(String what, BooleanSupplier condition, AtomicReference<Throwable> failure)
      throws InterruptedException {
    Instant until = Instant.now().plusSeconds(60);
    while (!condition.getAsBoolean()) {
      if (failure.get() != null) {
        throw new AssertionError("the live session failed before: " + what, failure.get());
      }
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Stops a session started on {@code runner} and checks it ended without a failure. */
  static void stopAndJoin(LiveSession session, Thread runner, AtomicReference<Throwable> failure)
      throws Exception {
    session.stop();
    runner.join(Duration.ofSeconds(30).toMillis());
    assertThat(runner.isAlive()).isFalse();
    assertThat(failure.get()).isNull();
  }

  /** A Binance signal for {@code account}: the runners of other accounts never see it. */
  void insertSignal(String account) {
    sql(
        "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
            + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
            + " VALUES ('"
            + account
            + "', 'BINANCE', 'BTCUSDT', 'LONG', 1000, 'QUOTE', 2, 1.5, 0.5)");
  }

  void sql(String statement) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (Exception e) {
      throw new IllegalStateException(statement, e);
    }
  }

  String one(String query) {
    return TestSql.one(pool, query);
  }

  @Override
  public void close() {
    pool.close();
    db.close();
    venue.close();
  }
}
