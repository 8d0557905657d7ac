package io.positionkeeper.postgres;

import io.positionkeeper.ports.model.AuditRecord;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import org.jooq.DSLContext;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * {@code COPY} into a session-local staging table, then one insert from it into the journal with
 * {@code ON CONFLICT (event_id) DO NOTHING} (COPY itself cannot skip conflicts). The staging table
 * is created once per physical connection and empties itself at every commit. It must be the first
 * work of its transaction.
 */
final class CopyEventWriter implements EventWriter {
  private static final String CREATE_STAGE =
      "CREATE TEMPORARY TABLE IF NOT EXISTS events_stage ("
          + "ord bigint GENERATED ALWAYS AS IDENTITY, event_id varchar(64), position_id bigint,"
          + " correlation_key varchar, exchange varchar(16), symbol varchar(40), type varchar(64),"
          + " severity varchar(16), payload jsonb, event_time timestamptz) ON COMMIT DELETE ROWS";

  private static final String COPY =
      "COPY pg_temp.events_stage (event_id, position_id, correlation_key, exchange, symbol, type,"
          + " severity, payload, event_time) FROM STDIN";

  private static final String MOVE =
      "INSERT INTO monitoring.events (event_id, position_id, correlation_key, exchange, symbol,"
          + " type, severity, payload, event_time)"
          + " SELECT event_id, position_id, correlation_key, exchange, symbol, type, severity,"
          + " payload, event_time FROM pg_temp.events_stage ORDER BY ord"
          + " ON CONFLICT (event_id) DO NOTHING";

  private final Set<PGConnection> staged = Collections.synchronizedSet(weakIdentitySet());

  @Override
  public void write(DSLContext ctx, Connection connection, List<AuditRecord> batch)
      throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    try (Statement s = connection.createStatement()) {
      if (!staged.contains(pg)) {
        // Committed on its own, before the batch: were it part of the batch's transaction, a
        // refused batch would roll the table back while this set still remembered it.
        s.execute(CREATE_STAGE);
        connection.commit();
        staged.add(pg);
      }
      CopyManager copy = pg.getCopyAPI();
      try {
        copy.copyIn(COPY, new StringReader(encode(batch)));
      } catch (IOException e) {
        throw new SQLException("COPY of audit events failed: " + e.getMessage(), "08006", e);
      }
      s.executeUpdate(MOVE);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        // The staging table is gone (a DISCARD TEMP, say): create it again next time.
        staged.remove(pg);
      }
      throw e;
    }
  }

  /** The batch in COPY's text format: tab-separated, \N for null, backslash escapes. */
  static String encode(List<AuditRecord> batch) {
    StringBuilder out = new StringBuilder(batch.size() * 256);
    for (AuditRecord r : batch) {
      field(out, r.eventId()).append('\t');
      Long positionId = AuditRows.positionId(r);
      if (positionId == null) {
        out.append("\\N");
      } else {
        out.append(positionId.longValue());
      }
      out.append('\t');
      field(out, r.correlationKey()).append('\t');
      out.append(r.exchange().name()).append('\t');
      String symbol = AuditRows.symbol(r);
      if (symbol == null) {
        out.append("\\N");
      } else {
        field(out, symbol);
      }
      out.append('\t');
      field(out, r.type()).append('\t');
      out.append(r.severity().name()).append('\t');
      field(out, Json.write(r.payload())).append('\t');
      out.append(AuditRows.micros(r.time())).append('\n');
    }
    return out.toString();
  }

  private static StringBuilder field(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      switch (ch) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        // COPY text format has no escape for NUL; "\0" would be read as an octal NUL and refused
        // like any NUL in text, which is what should happen to such a record.
        case '\0' -> out.append("\\0");
        default -> out.append(ch);
      }
    }
    return out;
  }

  private static Set<PGConnection> weakIdentitySet() {
    // PgConnection keeps Object's identity equals/hashCode, so a WeakHashMap is an identity map
    // here, and a connection the pool has dropped is forgotten with it.
    return Collections.newSetFromMap(new WeakHashMap<>());
  }
}
