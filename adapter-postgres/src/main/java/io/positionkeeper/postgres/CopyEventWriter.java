package io.positionkeeper.postgres;

import io.positionkeeper.ports.model.AuditRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import org.jooq.DSLContext;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Binary {@code COPY} straight into the journal, the fast way; a batch that holds an event id
 * stored already (a replay) goes the careful way instead: {@code COPY} into a session-local staging
 * table, then one insert from it with {@code ON CONFLICT (event_id) DO NOTHING} (COPY itself cannot
 * skip conflicts). The fast way meets a stored id as a unique violation, which aborts the
 * transaction with nothing written; the writer rolls it back and takes the careful way, so the
 * outcome is the same as if it had gone the careful way at once. Replays are rare (a flush whose
 * commit was lost, a spool read again after a crash), and the careful way writes every row twice.
 *
 * <p>The rows go in COPY's binary format ({@link CopyRows}), streamed while they are encoded, so
 * the server parses and indexes the first rows while the client encodes the last.
 *
 * <p>The staging table is created once per physical connection and empties itself at every commit.
 * A write must be the first work of its transaction.
 */
final class CopyEventWriter implements EventWriter {
  private static final String CREATE_STAGE =
      "CREATE TEMPORARY TABLE IF NOT EXISTS events_stage ("
          + "ord bigint GENERATED ALWAYS AS IDENTITY, event_id varchar(64), position_id bigint,"
          + " correlation_key varchar, exchange varchar(16), symbol varchar(40), type varchar(64),"
          + " severity varchar(16), payload jsonb, event_time timestamptz, account varchar(64))"
          + " ON COMMIT DELETE ROWS";

  private static final String COLUMNS =
      "(event_id, position_id, correlation_key, exchange, symbol, type, severity, payload,"
          + " event_time, account)";

  private static final String COPY_DIRECT =
      "COPY monitoring.events " + COLUMNS + " FROM STDIN (FORMAT binary)";

  private static final String COPY_STAGE =
      "COPY pg_temp.events_stage " + COLUMNS + " FROM STDIN (FORMAT binary)";

  private static final String MOVE =
      "INSERT INTO monitoring.events "
          + COLUMNS
          + " SELECT event_id, position_id, correlation_key, exchange, symbol, type, severity,"
          + " payload, event_time, account FROM pg_temp.events_stage ORDER BY ord"
          + " ON CONFLICT (event_id) DO NOTHING";

  /** The unique constraint a stored event id violates. */
  private static final String EVENT_ID_KEY = "events_event_id_key";

  private final Set<PGConnection> staged = Collections.synchronizedSet(weakIdentitySet());

  @Override
  public void write(
      DSLContext ctx, Connection connection, AccountScope scope, List<AuditRecord> batch)
      throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    scope.fence(ctx);
    try {
      copy(pg, COPY_DIRECT, scope, batch);
      return;
    } catch (SQLException e) {
      if (!isStoredEventId(e)) {
        throw e;
      }
      // Nothing of the batch is written; the transaction is aborted and starts again clean.
      connection.rollback();
    }
    writeStaged(ctx, connection, pg, scope, batch);
  }

  private void writeStaged(
      DSLContext ctx,
      Connection connection,
      PGConnection pg,
      AccountScope scope,
      List<AuditRecord> batch)
      throws SQLException {
    try (Statement s = connection.createStatement()) {
      if (!staged.contains(pg)) {
        // Committed on its own, before the batch: were it part of the batch's transaction, a
        // refused batch would roll the table back while this set still remembered it.
        s.execute(CREATE_STAGE);
        connection.commit();
        staged.add(pg);
      }
      // A new transaction (after the rollback, or the commit above): fenced again.
      scope.fence(ctx);
      copy(pg, COPY_STAGE, scope, batch);
      s.executeUpdate(MOVE);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        // The staging table is gone (a DISCARD TEMP, say): create it again next time.
        staged.remove(pg);
      }
      throw e;
    }
  }

  /** One COPY of the batch; the server's refusal of any row is thrown, nothing of it written. */
  private static void copy(PGConnection pg, String sql, AccountScope scope, List<AuditRecord> batch)
      throws SQLException {
    CopyIn copy = pg.getCopyAPI().copyIn(sql);
    try {
      CopyRows rows = new CopyRows(copy::writeToCopy);
      for (AuditRecord r : batch) {
        rows.startRow(10);
        rows.text(r.eventId());
        Long positionId = AuditRows.positionId(r);
        if (positionId == null) {
          rows.nullValue();
        } else {
          rows.int8(positionId);
        }
        rows.text(r.correlationKey());
        rows.text(r.exchange().name());
        rows.textOrNull(AuditRows.symbol(r));
        rows.text(r.type());
        rows.text(r.severity().name());
        rows.jsonb(Json.write(r.payload()));
        rows.timestamptz(r.time(), r.eventId());
        rows.text(scope.name());
      }
      rows.finish();
      copy.endCopy();
    } catch (SQLException | RuntimeException e) {
      if (copy.isActive()) {
        // Encoding failed half-way, or the server refused while rows were still going out.
        try {
          copy.cancelCopy();
        } catch (SQLException cancelFailure) {
          e.addSuppressed(cancelFailure);
        }
      }
      throw e;
    }
  }

  private static boolean isStoredEventId(SQLException e) {
    return "23505".equals(SqlErrors.sqlState(e))
        && SqlErrors.constraint(e).filter(EVENT_ID_KEY::equals).isPresent();
  }

  private static Set<PGConnection> weakIdentitySet() {
    // PgConnection keeps Object's identity equals/hashCode, so a WeakHashMap is an identity map
    // here, and a connection the pool has dropped is forgotten with it.
    return Collections.newSetFromMap(new WeakHashMap<>());
  }
}
