package io.positionkeeper.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.migrations.Migrations;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Builds the HikariCP pool every store of this adapter runs on. */
public final class PostgresPool {
  private PostgresPool() {}

  /**
   * A pool for {@code config}. It connects at once, so a wrong URL or password fails here rather
   * than at the first write. Close it at shutdown, after the journal's last flush.
   */
  public static HikariDataSource create(PostgresConfig config) {
    Objects.requireNonNull(config, "config");
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("position-keeper");
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(config.user());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(config.maximumPoolSize());
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
    hikari.setValidationTimeout(
        Math.min(config.connectionTimeout().toMillis(), Duration.ofSeconds(3).toMillis()));
    // Probes idle connections, so one killed by a database restart is replaced before use.
    hikari.setKeepaliveTime(Duration.ofSeconds(30).toMillis());
    hikari.setMaxLifetime(Duration.ofMinutes(30).toMillis());
    hikari.setAutoCommit(true);

    // pgjdbc: multi-row INSERTs out of a JDBC batch (one round trip per up to 128 rows).
    hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    hikari.addDataSourceProperty("ApplicationName", "position-keeper");
    hikari.addDataSourceProperty("tcpKeepAlive", "true");
    hikari.addDataSourceProperty(
        "connectTimeout", Long.toString(seconds(config.connectionTimeout())));
    hikari.addDataSourceProperty("socketTimeout", Long.toString(seconds(config.socketTimeout())));
    hikari.addDataSourceProperty(
        "options", "-c statement_timeout=" + config.statementTimeout().toMillis());
    return new HikariDataSource(hikari);
  }

  /**
   * One read through the path every store of this adapter takes (a pooled connection, the driver,
   * jOOQ): in a fresh JVM the first statement also pays for loading and compiling that code, which
   * takes seconds on a loaded machine. A caller that times a statement (the account lease counts
   * its time-to-live from when the acquisition was sent) runs this first, so that the time it
   * counts is the statement's own. Reads nothing of the schema and writes nothing.
   */
  public static void warmUp(DataSource pool) {
    Objects.requireNonNull(pool, "pool");
    new Database(pool).read("warm up the database path", (ctx, c) -> ctx.fetchOne("SELECT 1"));
  }

  /** How long a migration waits for a lock before it gives up, unless told otherwise. */
  public static final Duration DEFAULT_MIGRATION_LOCK_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Brings the database to the current schema on a connection of its own, not the pool's: without
   * the pool's statement timeout (a migration over a large table may take longer than any statement
   * of the trading path should), and with a {@code lock_timeout}, so a migration that waits for a
   * lock held by a running runner fails after {@code lockTimeout} instead of queueing every writer
   * behind its own lock request. Returns how many migrations were applied.
   */
  public static int migrate(PostgresConfig config, Duration lockTimeout) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(lockTimeout, "lockTimeout");
    if (lockTimeout.isNegative() || lockTimeout.isZero()) {
      throw new IllegalArgumentException("lockTimeout must be positive, was " + lockTimeout);
    }
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setURL(config.jdbcUrl());
    source.setUser(config.user());
    source.setPassword(config.password());
    source.setApplicationName("position-keeper-migrate");
    source.setConnectTimeout((int) seconds(config.connectionTimeout()));
    source.setTcpKeepAlive(true);
    source.setOptions("-c statement_timeout=0 -c lock_timeout=" + lockTimeout.toMillis());
    return Migrations.migrate(source);
  }

  /** {@link #migrate(PostgresConfig, Duration)} with {@link #DEFAULT_MIGRATION_LOCK_TIMEOUT}. */
  public static int migrate(PostgresConfig config) {
    return migrate(config, DEFAULT_MIGRATION_LOCK_TIMEOUT);
  }

  private static long seconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }
}
