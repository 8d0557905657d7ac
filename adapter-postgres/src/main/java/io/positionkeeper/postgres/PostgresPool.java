package io.positionkeeper.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Objects;

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

  private static long seconds(Duration d) {
    return Math.max(1, (d.toMillis() + 999) / 1000);
  }
}
