package io.positionkeeper.postgres;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AuditRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * {@link AuditJournal} on {@code monitoring.events}. A batch is written in one transaction with one
 * bulk statement ({@link JournalWriteMethod}); an event id stored already is skipped ({@code ON
 * CONFLICT (event_id) DO NOTHING}), so replaying a batch after a failure is safe.
 *
 * <p>When PostgreSQL refuses a batch (a constraint or a bad value), nothing of it is written, and
 * the journal finds out which records were refused before it throws: it tries each record alone,
 * under a savepoint, in a transaction it then rolls back. The {@link RejectedException} names them
 * ({@code code} is the first refused record's constraint or SQLState; {@code reason} lists {@code
 * event <id>: <why>} for each), so the caller can dead-letter exactly those and write the rest.
 */
public final class JooqAuditJournal implements AuditJournal {
  /** The most refused records a rejection lists by name. */
  static final int MAX_NAMED = 20;

  private final Database db;
  private final EventWriter writer;

  /** A journal that writes with {@link JournalWriteMethod#COPY}, the faster method. */
  public JooqAuditJournal(DataSource dataSource) {
    this(dataSource, JournalWriteMethod.COPY);
  }

  public JooqAuditJournal(DataSource dataSource, JournalWriteMethod method) {
    this.db = new Database(dataSource);
    this.writer =
        switch (Objects.requireNonNull(method, "method")) {
          case COPY -> new CopyEventWriter();
          case BATCH -> new BatchEventWriter();
        };
  }

  @Override
  public void append(List<AuditRecord> batch) {
    Objects.requireNonNull(batch, "batch");
    batch.forEach(r -> Objects.requireNonNull(r, "a record of the batch is null"));
    if (batch.isEmpty()) {
      return;
    }
    String operation = "append " + batch.size() + " audit events";
    try {
      db.inTransaction(
          operation,
          (ctx, connection) -> {
            writer.write(ctx, connection, batch);
            return null;
          });
    } catch (RejectedException refused) {
      throw withRefusedRecords(operation, batch, refused);
    }
  }

  /** The refusal of a batch, naming the records PostgreSQL refuses when each is tried alone. */
  private RejectedException withRefusedRecords(
      String operation, List<AuditRecord> batch, RejectedException refused) {
    List<Refusal> refusals;
    try {
      refusals =
          db.inTransaction(
              operation + " (finding the refused records)",
              (ctx, connection) -> {
                List<Refusal> found = diagnose(ctx, connection, batch);
                // Nothing of the batch may stay: the caller writes the good records again.
                connection.rollback();
                return found;
              });
    } catch (PortException diagnosisFailed) {
      // Refused, but which records is unknown (the database may have gone away meanwhile); the
      // original refusal stands, and the caller splits the batch itself.
      refused.addSuppressed(diagnosisFailed);
      return refused;
    }
    if (refusals.isEmpty()) {
      // Each record alone is accepted: the batch was refused as a whole.
      return refused;
    }
    StringBuilder reason = new StringBuilder();
    reason
        .append(refusals.size())
        .append(" of ")
        .append(batch.size())
        .append(" records refused, nothing of the batch written; ");
    for (int i = 0; i < refusals.size() && i < MAX_NAMED; i++) {
      Refusal r = refusals.get(i);
      if (i > 0) {
        reason.append("; ");
      }
      reason.append("event ").append(r.eventId()).append(": ").append(r.why());
    }
    if (refusals.size() > MAX_NAMED) {
      reason.append("; and ").append(refusals.size() - MAX_NAMED).append(" more");
    }
    return new RejectedException(refusals.getFirst().code(), reason.toString(), refused);
  }

  private record Refusal(String eventId, String code, String why) {}

  private static List<Refusal> diagnose(
      DSLContext ctx, Connection connection, List<AuditRecord> batch) throws SQLException {
    List<Refusal> refusals = new ArrayList<>();
    for (AuditRecord r : batch) {
      Savepoint before = connection.setSavepoint();
      try {
        AuditRows.insert(ctx, r);
        connection.releaseSavepoint(before);
      } catch (DataAccessException e) {
        connection.rollback(before);
        SQLException sql = SqlErrors.sqlCause(e).orElseThrow(() -> e);
        String state = SqlErrors.sqlState(sql);
        if (!(state.startsWith("22") || state.startsWith("23"))) {
          throw e;
        }
        RejectedException rejected = SqlErrors.rejected(sql, state, e);
        refusals.add(new Refusal(r.eventId(), rejected.code(), rejected.reason()));
      }
    }
    return refusals;
  }
}
