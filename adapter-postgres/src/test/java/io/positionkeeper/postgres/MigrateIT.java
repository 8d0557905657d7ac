package io.positionkeeper.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.migrations.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migrations run on a connection of their own, with a lock timeout: one that waits behind a running
 * runner's transaction gives up instead of stalling every writer queued behind its lock request.
 */
class MigrateIT {

  @Test
  void aMigrationBlockedByARunningTransaction_failsAfterItsLockTimeout_andSucceedsOnceFree()
      throws SQLException {
    String name = "migrate_it_" + System.nanoTime();
    TestDatabase.sql("CREATE DATABASE " + name);
    String url = "jdbc:postgresql://127.0.0.1:" + TestDatabase.port() + "/" + name;
    PostgresConfig config = PostgresConfig.of(url, "postgres", "");
    Flyway.configure()
        .dataSource(url, "postgres", "")
        .schemas(Migrations.SCHEMA)
        .defaultSchema(Migrations.SCHEMA)
        .locations(Migrations.LOCATION)
        .target("4")
        .configuration(java.util.Map.of("flyway.postgresql.transactional.lock", "false"))
        .load()
        .migrate();

    try (Connection runner = DriverManager.getConnection(url, "postgres", "");
        Statement s = runner.createStatement()) {
      runner.setAutoCommit(false);
      // A runner's transaction that reads the signals and has not committed yet.
      s.execute("SELECT count(*) FROM monitoring.signals");
      long start = System.nanoTime();

      assertThatThrownBy(() -> PostgresPool.migrate(config, Duration.ofMillis(500)))
          .hasStackTraceContaining("lock timeout");

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      runner.rollback();
    }
    assertThat(PostgresPool.migrate(config)).isPositive();
    assertThat(PostgresPool.migrate(config)).isZero();
  }
}
