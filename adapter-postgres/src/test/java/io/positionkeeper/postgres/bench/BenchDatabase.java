package io.positionkeeper.postgres.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/**
 * An embedded PostgreSQL 17 for one benchmark trial, configured as production would be: commits are
 * durable when acknowledged ({@code synchronous_commit=on}; zonky's default is off).
 */
public final class BenchDatabase implements AutoCloseable {
  public final EmbeddedPostgres server;
  public final HikariDataSource pool;

  public BenchDatabase() throws IOException {
    server =
        EmbeddedPostgres.builder()
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("shared_buffers", "256MB")
            .start();
    Migrations.migrate(server.getPostgresDatabase());
    pool =
        PostgresPool.create(
            PostgresConfig.of(
                    "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres", "postgres", "")
                .withMaximumPoolSize(4));
  }

  @Override
  public void close() throws IOException {
    pool.close();
    server.close();
  }
}
