package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.postgres.JooqAccountLease;
import io.positionkeeper.postgres.PostgresPool;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner whose lease is lost while it starts (its acquisition or a start-up step took most of the
 * lease's time-to-live, as on a machine at load 20) stops before the next step that would act for
 * the account: no leverage set, no keeper started, no hang, a failure that names the lease.
 *
 * <p>The slow acquisition is real: the test holds a lock on the lease's row, as another transaction
 * of a loaded database would, so the runner's request waits in the database and the lease it gets
 * back has already run most of its time.
 */
class LeaseLostAtStartIT {
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final String LEASE_EPOCH = "SELECT epoch FROM monitoring.account_leases";

  @TempDir Path home;
  private LiveFixture live;

  @BeforeEach
  void start() {
    live = new LiveFixture(home);
    // A killed runner's lease, expired: free for the next runner once its row is unlocked.
    live.sql(
        "INSERT INTO monitoring.account_leases (account, holder, epoch, expires_at)"
            + " VALUES ('it-account', 'killed-runner', 10, now() - interval '1 minute')");
  }

  @AfterEach
  void close() {
    live.close();
  }

  @Test
  void aLeaseWhoseAcquisitionTookItsTime_isLost_andNothingIsSentToTheAccount() throws Exception {
    LiveSession session = session();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner;
    try (Connection lock = lockTheLeaseRow()) {
      runner = LiveFixture.runInBackground(session, failure);
      awaitWaitingOnTheLock();
      Thread.sleep(TTL.toMillis() + 1_000); // the acquisition waits on the lock meanwhile
      lock.commit();
    }
    runner.join(Duration.ofSeconds(60).toMillis());

    assertThat(runner.isAlive()).as("the runner ended, it did not hang").isFalse();
    assertThat(live.one(LEASE_EPOCH)).as("the lease was taken (and then given up)").isEqualTo("11");
    assertThat(live.venue.requests()).as("no request reached the venue").isEmpty();
    assertThat(live.venue.leverage("BTCUSDT")).isEmpty();
    assertThat(session.startReport()).isEmpty();
    assertThat(failure.get())
        .isInstanceOf(StaleLeaseException.class)
        .hasMessageContaining("lease of account it-account is lost")
        .hasMessageContaining("connect to the venue");
  }

  @Test
  void aLeaseLostWhileTheAccountIsSetUp_stopsBeforeTheKeeperStarts() throws Exception {
    // The leverage call answers late (within the adapter's 5 s request timeout), and meanwhile the
    // lease cannot be renewed (its row locked) for longer than its time-to-live: it is lost while
    // the runner sets up the account.
    live.venue.faults().latency("POST", "/fapi/v1/leverage", Duration.ofMillis(4_500));
    LiveSession session = session();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner = LiveFixture.runInBackground(session, failure);
    LiveFixture.await("the lease taken", () -> "11".equals(live.one(LEASE_EPOCH)), failure);
    try (Connection lock = lockTheLeaseRow()) {
      Thread.sleep(TTL.toMillis() + 1_500);
      lock.commit();
    }
    runner.join(Duration.ofSeconds(60).toMillis());

    assertThat(runner.isAlive()).as("the runner ended, it did not hang").isFalse();
    assertThat(session.startReport()).as("the keeper never started").isEmpty();
    assertThat(live.venue.requestCount("POST", "/fapi/v1/listenKey"))
        .as("no stream opened")
        .isZero();
    assertThat(live.venue.orderCount()).isZero();
    assertThat(failure.get())
        .isInstanceOf(StaleLeaseException.class)
        .hasMessageContaining("lease of account it-account is lost");
  }

  @Test
  void aRunnerProcessWhoseLeaseIsLostAtStart_exits1_sayingSo_andSetsNoLeverage() throws Exception {
    Path config = home.resolve("live.properties");
    Files.write(config, live.properties("it-account", "database"));
    RunnerProcess process;
    try (Connection lock = lockTheLeaseRow()) {
      process =
          RunnerProcess.start(
              home,
              "lease-lost",
              List.of("run", "--config", config.toString(), "--lease-ttl", TTL.toString()),
              live.env());
      // Held until the runner's acquisition is surely waiting on it, and then one TTL more.
      awaitWaitingOnTheLock();
      Thread.sleep(TTL.toMillis() + 1_000);
      lock.commit();
    }
    try {
      assertThat(process.process.waitFor(90, TimeUnit.SECONDS))
          .as("the runner exited, it did not hang; its log:%n%s", process.log())
          .isTrue();
    } finally {
      process.process.destroyForcibly();
    }

    assertThat(process.process.exitValue())
        .as("the exit code of a lost lease, as of every failure")
        .isEqualTo(1);
    assertThat(live.venue.leverage("BTCUSDT")).isEmpty();
    assertThat(live.venue.requests()).isEmpty();
    assertThat(process.stderr())
        .contains("lease of account it-account is lost")
        .contains("start it again");
  }

  @Test
  void aFreshPoolWhoseFirstUseIsSlow_keepsTheLeaseItIsThenGranted() throws Exception {
    // A fresh runner's first statement also pays for loading and compiling the database path
    // (about 2 s at load 10-14 on 2 cores, against a few ms for the next one): modelled by a pool
    // whose first connection takes longer than the lease's whole time-to-live. That cost must not
    // be counted against the lease the acquisition is then granted.
    AtomicBoolean first = new AtomicBoolean(true);
    DataSource slowFirst = slowFirstConnection(live.pool, first, TTL.plusMillis(500));
    AccountLease leases = new JooqAccountLease(slowFirst);

    LeaseAcquisition.Taken taken =
        new LeaseAcquisition(leases, () -> PostgresPool.warmUp(slowFirst), TTL)
            .take(AccountId.of("it-account"), "runner", null, new CountDownLatch(1))
            .orElseThrow();

    assertThat(first).as("the slow first connection was used").isFalse();
    AtomicBoolean lost = new AtomicBoolean();
    try (LeaseRenewal renewal =
        new LeaseRenewal(leases, taken.lease(), taken.sentNanos(), TTL, () -> lost.set(true))) {
      assertThat(renewal.lost()).as("the lease held after a slow first connection").isNull();
      renewal.ensureHeld("connect to the venue");
      assertThat(lost).isFalse();
    }
    assertThat(taken.lease().epoch()).isEqualTo(11);
    assertThat(live.one(LEASE_EPOCH)).isEqualTo("11");
  }

  /** {@code pool}, except that the first connection it hands out comes {@code delay} late. */
  private static DataSource slowFirstConnection(
      DataSource pool, AtomicBoolean first, Duration delay) {
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        if (first.getAndSet(false)) {
          try {
            Thread.sleep(delay.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while connecting", e);
          }
        }
        return pool.getConnection();
      }

      @Override
      public Connection getConnection(String user, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's own credentials only");
      }

      @Override
      public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
      }

      @Override
      public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
      }

      @Override
      public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
      }

      @Override
      public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
      }

      @Override
      public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
      }

      @Override
      public <T> T unwrap(Class<T> type) throws SQLException {
        return pool.unwrap(type);
      }

      @Override
      public boolean isWrapperFor(Class<?> type) throws SQLException {
        return pool.isWrapperFor(type);
      }
    };
  }

  private LiveSession session() {
    return new LiveSession(
        live.config(new LiveConfig.SignalInput.Database()),
        live.env(),
        home,
        Clock.system(),
        Duration.ofMillis(50),
        TTL);
  }

  /** A transaction holding the lease row's lock; committing (or closing) releases it. */
  private Connection lockTheLeaseRow() throws Exception {
    Connection c = live.pool.getConnection();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT * FROM monitoring.account_leases FOR UPDATE");
    }
    return c;
  }

  /** Waits until another session waits on a lock (the runner's acquisition, a child process). */
  private void awaitWaitingOnTheLock() throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!"1"
        .equals(
            live.one(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND query LIKE '%account_leases%'"))) {
      assertThat(System.nanoTime()).as("the runner asked for the lease in time").isLessThan(until);
      Thread.sleep(100);
    }
  }
}
