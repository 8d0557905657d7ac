package io.positionkeeper.postgres;

import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Translates JDBC and jOOQ failures into the ports' exception taxonomy, by SQLState class:
 *
 * <ul>
 *   <li>08 (connection), 57P0x (server shutting down), a pool timeout: {@link
 *       PersistenceException}; the cause is kept;
 *   <li>23 (integrity), 22 (data) and 54000 (a value too large, e.g. for an index entry): {@link
 *       RejectedException}, coded with the constraint's name (or the SQLState when the server names
 *       none);
 *   <li>40001, 40P01 (serialization failure, deadlock) and 55P03 (lock not available): {@link
 *       RetryableException};
 *   <li>a connection lost while committing: {@link OutcomeUnknownException} (the commit may or may
 *       not have happened);
 *   <li>anything else (a missing table, a full disk, a read-only standby): {@link
 *       PersistenceException}, so the caller keeps its data and tries later rather than discarding
 *       it as refused.
 * </ul>
 */
final class SqlErrors {

  /** The code of a refused second open position, the same as the in-memory fake's. */
  static final String UNIQUE_OPEN_POSITION = "UNIQUE_OPEN_POSITION";

  private static final String OPEN_POSITION_INDEX = "positions_one_open_per_account_symbol";

  private SqlErrors() {}

  /** The exception a failed statement (before any commit was sent) stands for. */
  static PortException translate(String operation, Throwable failure) {
    if (failure instanceof PortException port) {
      return port;
    }
    SQLException sql = sqlCause(failure).orElse(null);
    if (sql == null) {
      return new PersistenceException(operation + " failed: " + failure, failure);
    }
    String state = sqlState(sql);
    if (isConnectionLoss(sql, state)) {
      return new PersistenceException(
          operation + ": the database cannot be reached (" + describe(sql) + ")", failure);
    }
    if (isRefusalState(state)) {
      return rejected(sql, state, failure);
    }
    if (state.equals("40001") || state.equals("40P01") || state.equals("55P03")) {
      return new RetryableException(operation + ": " + describe(sql), failure);
    }
    return new PersistenceException(operation + " failed: " + describe(sql), failure);
  }

  /** The exception a failed commit stands for. */
  static PortException translateCommit(String operation, Throwable failure) {
    SQLException sql = sqlCause(failure).orElse(null);
    if (sql != null && isConnectionLoss(sql, sqlState(sql))) {
      return new OutcomeUnknownException(
          operation
              + ": the connection was lost while committing; the change may or may not be stored ("
              + describe(sql)
              + ")",
          failure);
    }
    return translate(operation, failure);
  }

  /**
   * The exception a failed statement that commits itself (auto-commit) stands for: a connection
   * lost while it ran may have lost the answer of a commit that happened.
   */
  static PortException translateSelfCommitted(String operation, Throwable failure) {
    SQLException sql = sqlCause(failure).orElse(null);
    if (sql != null && isConnectionLoss(sql, sqlState(sql))) {
      return new OutcomeUnknownException(
          operation
              + ": the connection was lost while the change, one statement that commits itself,"
              + " ran; it may or may not be stored ("
              + describe(sql)
              + ")",
          failure);
    }
    return translate(operation, failure);
  }

  /**
   * Whether a SQLState is the refusal of the data sent rather than a failure of the database: class
   * 22 (a bad value), 23 (a constraint) and 54000 (a value too large for what holds it, such as an
   * index entry). A refusal goes to the dead letters; anything else is kept and tried again.
   */
  static boolean isRefusalState(String state) {
    return state.startsWith("22") || state.startsWith("23") || state.equals("54000");
  }

  static RejectedException rejected(SQLException sql, String state, Throwable failure) {
    String constraint = constraint(sql).orElse(null);
    String code =
        constraint == null
            ? state
            : (constraint.equals(OPEN_POSITION_INDEX) ? UNIQUE_OPEN_POSITION : constraint);
    return new RejectedException(code, describe(sql), failure);
  }

  static Optional<SQLException> sqlCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return Optional.of(sql);
      }
    }
    return Optional.empty();
  }

  static String sqlState(SQLException sql) {
    for (SQLException e = sql; e != null; e = e.getNextException()) {
      if (e.getSQLState() != null) {
        return e.getSQLState();
      }
    }
    for (Throwable t = sql.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SQLException inner && inner.getSQLState() != null) {
        return inner.getSQLState();
      }
    }
    return "";
  }

  static Optional<String> constraint(SQLException sql) {
    for (SQLException e = sql; e != null; e = e.getNextException()) {
      if (e instanceof PSQLException psql) {
        ServerErrorMessage server = psql.getServerErrorMessage();
        if (server != null && server.getConstraint() != null) {
          return Optional.of(server.getConstraint());
        }
      }
    }
    return Optional.empty();
  }

  /** Whether {@code failure} says the connection it happened on is gone. */
  static boolean isConnectionLoss(Throwable failure) {
    return sqlCause(failure).map(sql -> isConnectionLoss(sql, sqlState(sql))).orElse(false);
  }

  private static boolean isConnectionLoss(SQLException sql, String state) {
    return sql instanceof SQLTransientConnectionException
        || state.startsWith("08")
        || state.equals("57P01")
        || state.equals("57P02")
        || state.equals("57P03");
  }

  /** The server's message with its detail, or the driver's message; for a batch, the real one. */
  static String describe(SQLException sql) {
    SQLException shown = sql;
    // A failed JDBC batch reports "Batch entry 3 ... was aborted"; the server's reason is next.
    if (sql.getNextException() != null) {
      shown = sql.getNextException();
    }
    if (shown instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      ServerErrorMessage server = psql.getServerErrorMessage();
      StringBuilder text = new StringBuilder(String.valueOf(server.getMessage()));
      if (server.getDetail() != null) {
        text.append(" (").append(server.getDetail()).append(')');
      }
      return text.append(" [SQLState ").append(server.getSQLState()).append(']').toString();
    }
    return shown.getMessage() + " [SQLState " + shown.getSQLState() + "]";
  }
}
