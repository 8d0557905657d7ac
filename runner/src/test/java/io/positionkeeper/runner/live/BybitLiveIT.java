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
import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.domain.keeper.StartReport;
import io.positionkeeper.domain.reconcile.ReconcileAction;
import io.positionkeeper.domain.reconcile.ReconcileResult;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.TestSql;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Live mode on Bybit end to end over loopback: the real Bybit adapter against the Bybit emulator,
 * the embedded PostgreSQL, a signal in {@code monitoring.signals}: open, the position's stop set on
 * the emulator, a trailing move in place (one trading-stop call), the stop triggers on the venue,
 * the row closed with the reason the stop's history gives.
 */
class BybitLiveIT {
  private static final String ACCOUNT = "bybit-it";

  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final String TRADING_STOP = "/v5/position/trading-stop";
  // The embedded database trusts local connections: the password is sent but not checked.
  private static final String DB_PASSWORD = "db-pass-7c2d-never-logged";

  @TempDir Path home;
  private BybitEmulator venue;
  private EmbeddedDatabase db;
  private HikariDataSource pool;
  private final List<LiveSession> sessions = new ArrayList<>();

  @BeforeEach
  void start() {
    venue = BybitEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
    db = EmbeddedDatabase.start(home.resolve("pg"), true);
    pool = PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"));
    Migrations.migrate(pool);
  }

  @AfterEach
  void close() throws InterruptedException {
    // A failed test leaves its runner running: stop it before its database goes away.
    for (LiveSession s : sessions) {
      if (s.startReport().isPresent()) {
        s.stop();
      }
    }
    pool.close();
    db.close();
    venue.close();
  }

  @Test
  void aSignal_isOpenedProtectedTrailedInPlace_andClosedByTheVenueStopAsTrailingStop()
      throws Exception {
    LiveSession session = session();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = runInBackground(session, failure);
    openOneSignal(failure);
    BigDecimal firstStop = venue.stopLoss(BTC);
    assertThat(firstStop).isEqualByComparingTo("62720"); // 2 % under the 64000 entry
    assertThat(tradingStopCalls()).isEqualTo(1);

    venue.setMarkPrice(BTC, new BigDecimal("65000"));
    await(
        "the stop trails up",
        () -> !"0".equals(one("SELECT count(*) FROM monitoring.events WHERE type = 'STOP_MOVED'")),
        failure);
    // Moved in place: one more trading-stop call, no order placed or cancelled for it.
    assertThat(tradingStopCalls()).isEqualTo(2);
    assertThat(venue.stopLoss(BTC)).isGreaterThan(firstStop);
    assertThat(venue.orderCreates()).isEqualTo(1);
    assertThat(one("SELECT stop_price FROM monitoring.positions"))
        .satisfies(p -> assertThat(new BigDecimal(p)).isEqualByComparingTo(venue.stopLoss(BTC)));

    venue.setMarkPrice(BTC, new BigDecimal("64500"));
    await(
        "closed at the trailing stop",
        () -> "CLOSED".equals(one("SELECT status FROM monitoring.positions")),
        failure);

    assertThat(one("SELECT close_reason FROM monitoring.positions")).isEqualTo("TRAILING_STOP");
    assertThat(venue.executions(BTC, "StopLoss")).as("closed by the venue's stop").isEqualTo(1);
    assertThat(venue.positionSize(BTC)).isZero();
    stopAndJoin(session, runner, failure);
  }

  @Test
  void aStopThatNeverMoved_closesTheRowAsStopLoss() throws Exception {
    LiveSession session = session();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = runInBackground(session, failure);
    openOneSignal(failure);

    venue.setMarkPrice(BTC, new BigDecimal("62500"));
    await(
        "closed at the stop-loss",
        () -> "CLOSED".equals(one("SELECT status FROM monitoring.positions")),
        failure);

    assertThat(one("SELECT close_reason FROM monitoring.positions")).isEqualTo("STOP_LOSS");
    assertThat(venue.executions(BTC, "StopLoss")).isEqualTo(1);
    assertThat(tradingStopCalls()).isEqualTo(1);
    assertThat(new BigDecimal(one("SELECT exit_price FROM monitoring.positions")))
        .isEqualByComparingTo("62500");
    stopAndJoin(session, runner, failure);
  }

  @Test
  void afterARestart_theStopStillClosesTheRowWithItsReason_andNothingWasReplaced()
      throws Exception {
    LiveSession first = session();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = runInBackground(first, failure);
    openOneSignal(failure);
    stopAndJoin(first, runner, failure);
    BigDecimal stop = venue.stopLoss(BTC);
    assertThat(stop).as("protected while no runner runs").isPositive();

    LiveSession second = session();
    Thread again = runInBackground(second, failure);
    await("the second runner started", () -> second.startReport().isPresent(), failure);
    StartReport report = second.startReport().orElseThrow();
    assertThat(report.trailingRestored()).isEqualTo(1);
    assertThat(report.reconciliations())
        .singleElement()
        .isInstanceOfSatisfying(
            ReconcileResult.Completed.class,
            c -> {
              assertThat(c.inSync()).isEqualTo(1);
              assertThat(c.outcomes()).isEmpty();
            });
    assertThat(tradingStopCalls()).as("no stop set again").isEqualTo(1);

    venue.setMarkPrice(BTC, new BigDecimal("62500"));
    await(
        "closed at the stop-loss",
        () -> "CLOSED".equals(one("SELECT status FROM monitoring.positions")),
        failure);

    assertThat(one("SELECT close_reason FROM monitoring.positions")).isEqualTo("STOP_LOSS");
    stopAndJoin(second, again, failure);
  }

  /**
   * What leaves an orphan stop on Binance (the position closed by hand while no runner runs) leaves
   * none on Bybit: the position's stop ends with the position, and the settle-coin position list
   * has no flat rows for the sweep to visit. The restarted runner closes the row and cancels
   * nothing.
   */
  @Test
  void aPositionClosedByHandWhileDown_leavesNoStopToSweep_andTheRowIsClosed() throws Exception {
    LiveSession first = session();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = runInBackground(first, failure);
    openOneSignal(failure);
    stopAndJoin(first, runner, failure);

    venue.closeByHand(BTC);
    assertThat(venue.stopLoss(BTC)).as("the stop ended with its position").isZero();
    long tradingStopsBefore = tradingStopCalls();

    LiveSession second = session();
    Thread again = runInBackground(second, failure);
    await("the second runner started", () -> second.startReport().isPresent(), failure);

    assertThat(second.startReport().orElseThrow().reconciliations())
        .singleElement()
        .isInstanceOfSatisfying(
            ReconcileResult.Completed.class,
            c -> {
              assertThat(c.actions())
                  .noneMatch(ReconcileAction.CancelOrphanStop.class::isInstance)
                  .anyMatch(ReconcileAction.ClosePhantom.class::isInstance);
              assertThat(c.errors()).isZero();
            });
    assertThat(one("SELECT status FROM monitoring.positions")).isEqualTo("CLOSED");
    assertThat(tradingStopCalls()).as("nothing cancelled").isEqualTo(tradingStopsBefore);
    stopAndJoin(second, again, failure);
  }

  @Test
  void noKeySecretOrPasswordReachesTheLog_atAnyLevel() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    try {
      LiveSession session = session();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread runner = runInBackground(session, failure);
      openOneSignal(failure);
      venue.setMarkPrice(BTC, new BigDecimal("65000"));
      await(
          "the stop trails up",
          () ->
              !"0".equals(one("SELECT count(*) FROM monitoring.events WHERE type = 'STOP_MOVED'")),
          failure);
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
          .doesNotContain(DB_PASSWORD);
    }
  }

  @Test
  void aSecondRunnerOnTheSameAccount_refusesToStart() throws Exception {
    LiveSession first = session();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = runInBackground(first, failure);
    await("the first runner started", () -> first.startReport().isPresent(), failure);

    LiveSession second = session();
    assertThatThrownBy(second::run)
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("LEASE_HELD"))
        .hasMessageContaining("bybit-it");
    assertThat(second.startReport()).isEmpty();

    openOneSignal(failure);
    stopAndJoin(first, runner, failure);
  }

  @Test
  void aBinanceSignal_isRefusedByABybitRunner_andNothingReachesTheVenue() throws Exception {
    LiveSession session = session();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = runInBackground(session, failure);
    await("started", () -> session.startReport().isPresent(), failure);

    insertSignal("BINANCE");
    await(
        "the signal refused",
        () -> "REJECTED".equals(one("SELECT outcome FROM monitoring.signals")),
        failure);

    assertThat(one("SELECT detail FROM monitoring.signals")).contains("BYBIT only");
    assertThat(venue.orderCreates()).isZero();
    stopAndJoin(session, runner, failure);
  }

  private LiveSession session() {
    LiveSession session =
        new LiveSession(config(), env(), home, Clock.system(), Duration.ofMillis(50));
    sessions.add(session);
    return session;
  }

  private LiveConfig config() {
    return new LiveConfig(
        ACCOUNT,
        LiveConfig.Venue.CUSTOM,
        new ExchangeSettings.Bybit(venue.configBuilder().leverage(BTC, 5).build(), Set.of(BTC)),
        db.jdbcUrl(),
        "postgres",
        new LiveConfig.SignalInput.Database());
  }

  private Map<String, String> env() {
    // The emulator's config names testnet keys.
    return Map.of(
        "BYBIT_TESTNET_API_KEY",
        venue.apiKey(),
        "BYBIT_TESTNET_API_SECRET",
        venue.apiSecret(),
        LiveSession.DB_PASSWORD_VAR,
        DB_PASSWORD);
  }

  private long tradingStopCalls() {
    return venue.requests().stream().filter(r -> r.path().equals(TRADING_STOP)).count();
  }

  private static Thread runInBackground(LiveSession session, AtomicReference<Throwable> failure) {
    return Thread.ofPlatform()
        .name("bybit-live-session")
        .start(
            () -> {
              try {
                session.run();
              } catch (Throwable e) {
                failure.set(e);
              }
            });
  }

  private void insertSignal(String exchange) throws Exception {
    sql(
        "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
            + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
            + " VALUES ('"
            + ACCOUNT
            + "', '"
            + exchange
            + "', 'BTCUSDT', 'LONG', 1000, 'QUOTE', 2, 1.5, 0.5)");
  }

  private void openOneSignal(AtomicReference<Throwable> failure) throws Exception {
    insertSignal("BYBIT");
    await(
        "position active with its stop",
        () ->
            "ACTIVE".equals(one("SELECT status FROM monitoring.positions"))
                && venue.stopLoss(BTC).signum() > 0
                && "OPENED".equals(one("SELECT outcome FROM monitoring.signals")),
        failure);
    assertThat(venue.leverage(BTC)).isEqualTo("5");
    assertThat(venue.positionSize(BTC)).isPositive();
    assertThat(one("SELECT exchange FROM monitoring.positions")).isEqualTo("BYBIT");
  }

  private void sql(String statement) throws Exception {
    TestSql.execute(pool, statement);
  }

  private String one(String query) {
    return TestSql.one(pool, query);
  }
}
