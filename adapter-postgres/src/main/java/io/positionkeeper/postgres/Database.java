package io.positionkeeper.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PortException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
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

  /** Work on one part of something larger, on a connection of its own. */
  @FunctionalInterface
  interface PartWork<P> {
    void run(DSLContext ctx, Connection connection, P part) throws SQLException;
  }

  /**
   * Taken while one caller gets the several connections of {@link #inTransactions}: two callers
   * that each held some of a small pool's connections while waiting for more would wait on each
   * other until the pool's timeout. Callers that take one connection at a time never wait here.
   */
  private static final ReentrantLock SEVERAL_CONNECTIONS = new ReentrantLock();

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

  /** A context that renders statements with this adapter's settings, bound to no connection. */
  static DSLContext renderer() {
    return DSL.using(SQLDialect.POSTGRES, SETTINGS);
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
   * Runs {@code work}, one statement that writes everything it changes (a statement with
   * data-modifying {@code WITH} parts), in auto-commit mode: the statement commits itself, so the
   * change costs one round trip instead of one per statement plus the commit. PostgreSQL runs a
   * single statement atomically, so it is stored whole or not at all. Since the commit is part of
   * the statement, a connection lost while it ran leaves the outcome unknown ({@link
   * OutcomeUnknownException}); a statement the server refused stored nothing. Reads that only
   * explain a refusal may follow on the same connection.
   */
  <T> T inOneStatement(String operation, Work<T> work) {
    return autoCommitted(operation, work, SqlErrors::translateSelfCommitted);
  }

  /**
   * Runs {@code work} on every part at once, each part in a transaction of its own on a connection
   * of its own (the caller's thread takes the first part, virtual threads the others), then commits
   * them all when every part has succeeded, or rolls them all back when any part failed: a failure
   * before the commits leaves nothing written. The commits go at once; should some fail while
   * others succeed, the outcome is unknown ({@link OutcomeUnknownException}): some parts are
   * stored, and doing the work again must be harmless (it is for idempotent work, which is what
   * this is for). When every commit fails, the failure is that of a single transaction's commit.
   *
   * <p>When parts fail, the failure thrown is a refused value or constraint (SQLState 22 or 23) if
   * any part has one (and no part met an {@link Error}), so that the caller can look for the
   * refused data; the others are suppressed into it.
   */
  <P> void inTransactions(String operation, List<P> parts, PartWork<P> work) {
    List<Connection> connections = connectSeveral(operation, parts.size());
    Throwable[] failures =
        atOnce(
            parts.size(), Throwable[]::new, i -> runPart(connections.get(i), parts.get(i), work));
    Throwable failure = mostTelling(failures);
    if (failure != null) {
      for (int i = 0; i < parts.size(); i++) {
        rollbackAndRelease(connections.get(i), failures[i] != null ? failures[i] : failure);
      }
      throw rethrow(operation, failure);
    }
    // The commits go at once too: PostgreSQL then flushes the WAL of both in one go where it can.
    SQLException[] commitFailures =
        atOnce(parts.size(), SQLException[]::new, i -> commit(connections.get(i)));
    SQLException firstFailure = null;
    int failed = 0;
    for (int i = 0; i < parts.size(); i++) {
      if (commitFailures[i] == null) {
        closeAfterSuccess(connections.get(i), operation);
        continue;
      }
      release(connections.get(i), commitFailures[i]);
      failed++;
      if (firstFailure == null) {
        firstFailure = commitFailures[i];
      } else {
        firstFailure.addSuppressed(commitFailures[i]);
      }
    }
    if (firstFailure == null) {
      return;
    }
    if (failed == parts.size()) {
      throw SqlErrors.translateCommit(operation, firstFailure);
    }
    throw new OutcomeUnknownException(
        operation
            + ": "
            + failed
            + " of "
            + parts.size()
            + " parts failed to commit while the others committed; those may or may not be"
            + " stored: "
            + SqlErrors.describe(firstFailure),
        firstFailure);
  }

  /**
   * {@code task(i)} for every {@code i < count}, all at once: the caller's thread takes 0, virtual
   * threads the others. Returns when every one has returned, with their results in order.
   */
  private static <R> R[] atOnce(int count, IntFunction<R[]> array, IntFunction<R> task) {
    R[] results = array.apply(count);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 1; i < count; i++) {
        int index = i;
        threads.execute(() -> results[index] = task.apply(index));
      }
      results[0] = task.apply(0);
    } // close() waits for every task
    return results;
  }

  private static SQLException commit(Connection connection) {
    try {
      connection.commit();
      return null;
    } catch (SQLException e) {
      return e;
    }
  }

  private List<Connection> connectSeveral(String operation, int count) {
    List<Connection> connections = new ArrayList<>(count);
    SEVERAL_CONNECTIONS.lock();
    try {
      for (int i = 0; i < count; i++) {
        connections.add(connect(operation));
      }
      return connections;
    } catch (PortException e) {
      connections.forEach(c -> release(c, e));
      throw e;
    } finally {
      SEVERAL_CONNECTIONS.unlock();
    }
  }

  /** Runs one part; returns its failure, or null when it succeeded. */
  private static <P> Throwable runPart(Connection connection, P part, PartWork<P> work) {
    try {
      connection.setAutoCommit(false);
      work.run(dsl(connection), connection, part);
      return null;
    } catch (SQLException | RuntimeException | Error e) {
      return e;
    }
  }

  /**
   * The failure to throw: an {@link Error} if a part met one (it must not end up as a suppressed
   * detail), else a stale lease (the runner must stop, whatever else went wrong), else a refused
   * value or constraint if a part has one, else the first.
   */
  private static Throwable mostTelling(Throwable[] failures) {
    Throwable first = null;
    Throwable refused = null;
    Throwable error = null;
    Throwable stale = null;
    for (Throwable f : failures) {
      if (f == null) {
        continue;
      }
      if (first == null) {
        first = f;
      }
      if (refused == null && isRefusal(f)) {
        refused = f;
      }
      if (error == null && f instanceof Error) {
        error = f;
      }
      if (stale == null && f instanceof io.positionkeeper.ports.StaleLeaseException) {
        stale = f;
      }
    }
    Throwable chosen =
        error != null ? error : stale != null ? stale : refused != null ? refused : first;
    if (chosen != null) {
      for (Throwable f : failures) {
        if (f != null && f != chosen) {
          chosen.addSuppressed(f);
        }
      }
    }
    return chosen;
  }

  private static boolean isRefusal(Throwable failure) {
    return SqlErrors.sqlCause(failure)
        .map(SqlErrors::sqlState)
        .filter(SqlErrors::isRefusalState)
        .isPresent();
  }

  private static RuntimeException rethrow(String operation, Throwable failure) {
    return switch (failure) {
      case SQLException sql -> SqlErrors.translate(operation, sql);
      case DataAccessException jooq -> SqlErrors.translate(operation, jooq);
      case RuntimeException unchecked -> unchecked;
      case Error error -> throw error;
      default -> new IllegalStateException(operation + " failed", failure);
    };
  }

  /**
   * Runs {@code work} in auto-commit mode: for reads only. (A write goes through {@link
   * #inTransaction}, so a connection lost while committing it is told apart, or through {@link
   * #inOneStatement}, which says such a loss leaves the outcome unknown.)
   */
  <T> T read(String operation, Work<T> work) {
    return autoCommitted(operation, work, SqlErrors::translate);
  }

  private <T> T autoCommitted(
      String operation, Work<T> work, BiFunction<String, Throwable, PortException> translate) {
    Connection connection = connect(operation);
    T result;
    try {
      result = work.run(dsl(connection), connection);
    } catch (SQLException | DataAccessException e) {
      release(connection, e);
      throw translate.apply(operation, e);
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
