package io.positionkeeper.postgres;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work in one database transaction and translates every failure into the ports' taxonomy. It
 * commits itself, rather than through jOOQ's transaction API, so that a connection lost during the
 * commit is told apart from one lost before it: the first is an unknown outcome, the second a
 * failure with nothing written.
 */
final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** Work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(DSLContext ctx, Connection connection) throws SQLException;
  }

  private static final Settings SETTINGS =
      new Settings()
          // jOOQ's own DEBUG logging of every statement costs time on the journal's hot path.
          .withExecuteLogging(false)
          .withRenderSchema(true);

  private final DataSource dataSource;
  private final HikariDataSource pool;

  Database(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.pool = dataSource instanceof HikariDataSource hikari ? hikari : null;
  }

  static DSLContext dsl(Connection connection) {
    return DSL.using(connection, SQLDialect.POSTGRES, SETTINGS);
  }

  /** Runs {@code work} in a transaction and commits it; on any failure rolls back and throws. */
  <T> T inTransaction(String operation, Work<T> work) {
    Connection connection = connect(operation);
    T result;
    try {
      connection.setAutoCommit(false);
      result = work.run(dsl(connection), connection);
    } catch (SQLException | DataAccessException e) {
      rollbackAndRelease(connection, e);
      throw SqlErrors.translate(operation, e);
    } catch (RuntimeException | Error e) {
      rollbackAndRelease(connection, e);
      throw e;
    }
    try {
      connection.commit();
    } catch (SQLException e) {
      release(connection, e);
      throw SqlErrors.translateCommit(operation, e);
    }
    closeAfterSuccess(connection, operation);
    return result;
  }

  /**
   * Runs {@code work} in auto-commit mode: for reads only. (A write goes through {@link
   * #inTransaction}, so a connection lost while committing it is told apart.)
   */
  <T> T read(String operation, Work<T> work) {
    Connection connection = connect(operation);
    T result;
    try {
      result = work.run(dsl(connection), connection);
    } catch (SQLException | DataAccessException e) {
      release(connection, e);
      throw SqlErrors.translate(operation, e);
    } catch (RuntimeException | Error e) {
      release(connection, e);
      throw e;
    }
    closeAfterSuccess(connection, operation);
    return result;
  }

  private Connection connect(String operation) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw SqlErrors.translate(operation, e);
    }
  }

  private void rollbackAndRelease(Connection connection, Throwable failure) {
    if (!SqlErrors.isConnectionLoss(failure)) {
      try {
        connection.rollback();
      } catch (SQLException rollbackFailure) {
        failure.addSuppressed(rollbackFailure);
      }
    }
    // A lost connection rolls back on the server's side by itself.
    release(connection, failure);
  }

  /**
   * Gives the connection back after a failure. One the failure says is gone is evicted from the
   * pool: HikariCP sees the failures of calls made through its proxy, but not those of calls on the
   * unwrapped driver connection (COPY), and it re-validates a connection only when it has been idle
   * for a while, so a retry loop would otherwise get the same dead connection again and again.
   */
  private void release(Connection connection, Throwable failure) {
    if (pool != null && SqlErrors.isConnectionLoss(failure)) {
      pool.evictConnection(connection);
      return;
    }
    try {
      connection.close();
    } catch (SQLException closeFailure) {
      failure.addSuppressed(closeFailure);
    }
  }

  private static void closeAfterSuccess(Connection connection, String operation) {
    try {
      connection.close();
    } catch (SQLException e) {
      // The work is done and committed; a connection that fails to go back to the pool changes
      // nothing about it (the pool drops a broken connection), so this is reported, not thrown.
      LOG.warn("{}: returning the connection to the pool failed", operation, e);
    }
  }
}
