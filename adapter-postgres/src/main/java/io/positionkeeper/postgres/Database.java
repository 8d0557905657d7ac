package io.positionkeeper.postgres;

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

  Database(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
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
      rollbackAndClose(connection, e);
      throw SqlErrors.translate(operation, e);
    } catch (RuntimeException | Error e) {
      rollbackAndClose(connection, e);
      throw e;
    }
    try {
      connection.commit();
    } catch (SQLException e) {
      closeAfter(connection, e);
      throw SqlErrors.translateCommit(operation, e);
    }
    closeAfterSuccess(connection, operation);
    return result;
  }

  /** Runs {@code work} in auto-commit mode: for reads of one statement. */
  <T> T autoCommit(String operation, Work<T> work) {
    Connection connection = connect(operation);
    T result;
    try {
      result = work.run(dsl(connection), connection);
    } catch (SQLException | DataAccessException e) {
      closeAfter(connection, e);
      throw SqlErrors.translate(operation, e);
    } catch (RuntimeException | Error e) {
      closeAfter(connection, e);
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

  private static void rollbackAndClose(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      // Most likely the connection is gone, and the server rolls back by itself; the secondary
      // failure stays visible on the primary one.
      failure.addSuppressed(rollbackFailure);
    }
    closeAfter(connection, failure);
  }

  private static void closeAfter(Connection connection, Throwable failure) {
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
