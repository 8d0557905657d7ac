package io.positionkeeper.runner.live;

import static io.positionkeeper.runner.live.LiveFixture.await;
import static io.positionkeeper.runner.live.LiveFixture.stopAndJoin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.domain.keeper.StartReport;
import io.positionkeeper.domain.reconcile.ReconcileResult;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.TestSql;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Live mode end to end over loopback: the real Binance adapter against the emulator, the embedded
 * PostgreSQL, a signal in {@code monitoring.signals}: open, stop on the emulator, a trailing move,
 * the stop triggers, the row closed with TRAILING_STOP.
 */
class BinanceLiveIT {
  private static final Symbol BTC = Symbol.of("BTCUSDT");

  @TempDir Path home;
  private BinanceEmulator venue;
  private EmbeddedDatabase db;
  private HikariDataSource pool;

  @BeforeEach
  void start() {
    venue = BinanceEmulator.start();
    venue.addInstrument("BTCUSDT", "0.1", "0.001", "0.001", "120", "100");
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
    db = EmbeddedDatabase.start(home.resolve("pg"), true);
    pool = PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"));
    Migrations.migrate(pool);
  }

  @AfterEach
  void close() {
    pool.close();
    db.close();
    venue.close();
  }

  @Test
  void aSignal_isOpenedProtectedTrailedAndClosedAtTheTrailingStop() throws Exception {
    LiveSession session = session("postgres");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = runInBackground(session, failure);

    openOneSignal(failure);

    venue.setMarkPrice(BTC, new BigDecimal("65000"));
    await(
        "the stop trails up",
        () -> !"0".equals(one("SELECT count(*) FROM monitoring.events WHERE type = 'STOP_MOVED'")),
        failure);
    venue.setMarkPrice(BTC, new BigDecimal("64500"));
    await(
        "closed at the trailing stop",
        () -> "CLOSED".equals(one("SELECT status FROM monitoring.positions")),
        failure);

    assertThat(one("SELECT close_reason FROM monitoring.positions")).isEqualTo("TRAILING_STOP");
    assertThat(venue.positionAmount("BTCUSDT")).isZero();
    stopAndJoin(session, runner, failure);
  }

  @Test
  void restartWithAnOpenPosition_restoresTrailingWithoutAVenueCall_andReconcilesNothing()
      throws Exception {
    LiveSession first = session("postgres");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = runInBackground(first, failure);
    openOneSignal(failure);
    venue.setMarkPrice(BTC, new BigDecimal("65000"));
    await(
        "the stop trails up",
        () -> !"0".equals(one("SELECT count(*) FROM monitoring.events WHERE type = 'STOP_MOVED'")),
        failure);
    stopAndJoin(first, runner, failure);
    assertThat(venue.openAlgoCount("BTCUSDT")).as("protected while no runner runs").isEqualTo(1);
    int ordersBefore = venue.orderCount();

    LiveSession second = session("postgres");
    Thread again = runInBackground(second, failure);
    await("the second runner started", () -> second.startReport().isPresent(), failure);
    StartReport report = second.startReport().orElseThrow();

    assertThat(report.positionsLoaded()).isEqualTo(1);
    assertThat(report.trailingRestored()).isEqualTo(1);
    assertThat(report.trailingFresh()).isZero();
    assertThat(report.reconciliations())
        .singleElement()
        .isInstanceOfSatisfying(
            ReconcileResult.Completed.class,
            c -> {
              assertThat(c.inSync()).isEqualTo(1);
              assertThat(c.outcomes()).isEmpty();
            });
    assertThat(venue.orderCount()).isEqualTo(ordersBefore);
    assertThat(venue.openAlgoCount("BTCUSDT")).isEqualTo(1);
    stopAndJoin(second, again, failure);
  }

  @Test
  void aSecondRunnerOnTheSameAccount_refusesToStart_andTheFirstKeepsTrading() throws Exception {
    LiveSession first = session("postgres");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = runInBackground(first, failure);
    await("the first runner started", () -> first.startReport().isPresent(), failure);

    LiveSession second = session("postgres");
    assertThatThrownBy(second::run)
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("LEASE_HELD"))
        .hasMessageContaining("it-account");
    assertThat(second.startReport()).isEmpty();

    openOneSignal(failure);
    stopAndJoin(first, runner, failure);
  }

  @Test
  void aRunnerThatLosesItsLease_stopsTakingSignals_andFails() throws Exception {
    LiveSession session =
        new LiveSession(
            config(),
            env("postgres"),
            home,
            Clock.system(),
            Duration.ofMillis(50),
            Duration.ofMillis(900));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = runInBackground(session, failure);
    await("started", () -> session.startReport().isPresent(), failure);

    // Another runner took the account over (as after this one's lease expired).
    sql("UPDATE monitoring.account_leases SET epoch = epoch + 1, holder = 'other-runner'");
    runner.join(Duration.ofSeconds(30).toMillis());

    assertThat(runner.isAlive()).isFalse();
    assertThat(failure.get()).isInstanceOf(StaleLeaseException.class);
    sql(
        "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
            + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
            + " VALUES ('it-account', 'BINANCE', 'BTCUSDT', 'LONG', 1000, 'QUOTE', 2, 1.5, 0.5)");
    Thread.sleep(300);
    assertThat(one("SELECT claimed_by FROM monitoring.signals")).isNull();
    assertThat(venue.orderCount()).isZero();
  }

  @Test
  void noSecretReachesTheLog_atAnyLevel() throws Exception {
    String dbPassword = "db-pass-4e1f-never-logged";
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    try {
      LiveSession session = session(dbPassword);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread runner = runInBackground(session, failure);
      openOneSignal(failure);
      stopAndJoin(session, runner, failure);
    } finally {
      root.setLevel(before);
      root.detachAppender(captured);
    }

    assertThat(captured.list).hasSizeGreaterThan(10);
    for (ILoggingEvent event : captured.list) {
      String text =
          event.getFormattedMessage()
              + (event.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      assertThat(text)
          .doesNotContain(venue.apiSecret())
          .doesNotContain(venue.apiKey())
          .doesNotContain(dbPassword);
    }
  }

  private LiveSession session(String dbPassword) {
    return new LiveSession(config(), env(dbPassword), home, Clock.system(), Duration.ofMillis(50));
  }

  private LiveConfig config() {
    return new LiveConfig(
        "it-account",
        LiveConfig.Venue.CUSTOM,
        venue.config(),
        Map.of(BTC, new TradingSettings.SymbolSettings(5, TradingSettings.MarginType.ISOLATED)),
        db.jdbcUrl(),
        "postgres",
        new LiveConfig.SignalInput.Database());
  }

  private Map<String, String> env(String dbPassword) {
    return Map.of(
        "BINANCE_API_KEY",
        venue.apiKey(),
        "BINANCE_API_SECRET",
        venue.apiSecret(),
        LiveSession.DB_PASSWORD_VAR,
        dbPassword);
  }

  private static Thread runInBackground(LiveSession session, AtomicReference<Throwable> failure) {
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

  private void openOneSignal(AtomicReference<Throwable> failure) throws Exception {
    sql(
        "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
            + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
            + " VALUES ('it-account', 'BINANCE', 'BTCUSDT', 'LONG', 1000, 'QUOTE', 2, 1.5, 0.5)");
    await(
        "position active with its stop",
        () ->
            "ACTIVE".equals(one("SELECT status FROM monitoring.positions"))
                && venue.openAlgoCount("BTCUSDT") == 1
                && "OPENED".equals(one("SELECT outcome FROM monitoring.signals")),
        failure);
    assertThat(venue.leverage("BTCUSDT")).contains(5);
    assertThat(one("SELECT outcome FROM monitoring.signals")).isEqualTo("OPENED");
    // The stores are bound to the runner's account: the position and its events are its rows.
    assertThat(one("SELECT account FROM monitoring.positions")).isEqualTo("it-account");
    assertThat(one("SELECT count(*) FROM monitoring.events WHERE account <> 'it-account'"))
        .isEqualTo("0");
  }

  private void sql(String statement) throws Exception {
    TestSql.execute(pool, statement);
  }

  private String one(String query) {
    return TestSql.one(pool, query);
  }
}
