package io.positionkeeper.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Lease;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * {@link AuditJournal} on {@code monitoring.events}. A batch is written in one transaction with one
 * bulk statement ({@link JournalWriteMethod}); an event id stored already is skipped ({@code ON
 * CONFLICT (event_id) DO NOTHING}), so replaying a batch after a failure is safe.
 *
 * <p>A large batch is written in parts on several connections at once (by default two, each part at
 * least {@value #MIN_PART} records), so that PostgreSQL works on it with more than one core; the
 * parts are committed only when every one of them is written, so a refused or failed batch still
 * leaves nothing behind. Only a commit lost half-way through the parts leaves some of them stored
 * ({@link io.positionkeeper.ports.OutcomeUnknownException}; appending the batch again completes
 * it). Within a part the rows keep the batch's order in {@code id}; across parts, read the trail in
 * the order of its event ids, which are made in time order ({@link
 * io.positionkeeper.ports.model.EventIds}). A record whose event id comes twice in one batch is
 * written once, as the first.
 *
 * <p>Two appends that carry the same event ids at the same moment (a replay running beside the
 * original) could each wait for a part of the other through locks PostgreSQL cannot see as a cycle;
 * the statement timeout that {@link PostgresPool} sets ends such a wait, and the append fails as a
 * {@link io.positionkeeper.ports.PersistenceException} to be tried again.
 *
 * <p>When PostgreSQL refuses a batch (a constraint or a bad value), nothing of it is written, and
 * the journal finds out which records were refused before it throws: it tries each record alone,
 * under a savepoint, in a transaction it then rolls back. The {@link RejectedException} names them
 * ({@code code} is the first refused record's constraint or SQLState; {@code reason} lists {@code
 * event <id>: <why>} for each), so the caller can dead-letter exactly those and write the rest.
 *
 * <p>A journal is bound to one account: its rows carry that account. Bound to a {@link Lease}, each
 * batch is fenced by it: every transaction that writes a batch (or a part of one) first checks, in
 * that transaction, that the lease is still the account's current one ({@link AccountScope}), once
 * per transaction rather than per row, and a stale lease refuses the whole batch with {@link
 * StaleLeaseException}, nothing written.
 */
public final class JooqAuditJournal implements AuditJournal {
  /** The most refused records a rejection lists by name. */
  static final int MAX_NAMED = 20;

  /** The fewest records a part of a batch written on several connections has. */
  static final int MIN_PART = 500;

  /** Connections a large batch is written on at once, unless told otherwise. */
  public static final int DEFAULT_CONNECTIONS = 2;

  private final Database db;
  private final EventWriter writer;
  private final int connections;
  private final AccountScope scope;

  /**
   * A journal that writes with {@link JournalWriteMethod#COPY}, the faster method, on up to {@value
   * #DEFAULT_CONNECTIONS} connections at once.
   */
  public JooqAuditJournal(DataSource dataSource) {
    this(dataSource, JournalWriteMethod.COPY);
  }

  public JooqAuditJournal(DataSource dataSource, JournalWriteMethod method) {
    this(dataSource, method, DEFAULT_CONNECTIONS);
  }

  /**
   * @param connections how many connections a large batch is written on at once (1 writes every
   *     batch on one); no more than the pool has
   */
  public JooqAuditJournal(DataSource dataSource, JournalWriteMethod method, int connections) {
    this(dataSource, method, connections, AccountScope.of(AccountId.DEFAULT));
  }

  /** A journal of {@code account}'s events (COPY, default connections), unfenced. */
  public JooqAuditJournal(DataSource dataSource, AccountId account) {
    this(dataSource, JournalWriteMethod.COPY, DEFAULT_CONNECTIONS, AccountScope.of(account));
  }

  /** A journal of {@code account}'s events, unfenced. */
  public JooqAuditJournal(
      DataSource dataSource, JournalWriteMethod method, int connections, AccountId account) {
    this(dataSource, method, connections, AccountScope.of(account));
  }

  /** A journal of the lease's account (COPY, default connections), every batch fenced by it. */
  public JooqAuditJournal(DataSource dataSource, Lease lease) {
    this(dataSource, JournalWriteMethod.COPY, DEFAULT_CONNECTIONS, AccountScope.of(lease));
  }

  /** A journal of the lease's account, every batch fenced by it. */
  public JooqAuditJournal(
      DataSource dataSource, JournalWriteMethod method, int connections, Lease lease) {
    this(dataSource, method, connections, AccountScope.of(lease));
  }

  private JooqAuditJournal(
      DataSource dataSource, JournalWriteMethod method, int connections, AccountScope scope) {
    this.scope = Objects.requireNonNull(scope, "scope");
    this.db = new Database(dataSource);
    this.writer =
        switch (Objects.requireNonNull(method, "method")) {
          case COPY -> new CopyEventWriter();
          case BATCH -> new BatchEventWriter();
        };
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be >= 1, was " + connections);
    }
    if (dataSource instanceof HikariDataSource pool && pool.getMaximumPoolSize() < connections) {
      throw new IllegalArgumentException(
          "connections ("
              + connections
              + ") must not exceed the pool's maximum size ("
              + pool.getMaximumPoolSize()
              + "): a batch would wait for connections that never come");
    }
    this.connections = connections;
  }

  @Override
  public void append(List<AuditRecord> batch) {
    Objects.requireNonNull(batch, "batch");
    batch.forEach(r -> Objects.requireNonNull(r, "a record of the batch is null"));
    if (batch.isEmpty()) {
      return;
    }
    String operation = "append " + batch.size() + " audit events";
    refuseWhatCannotBeKept(batch);
    try {
      List<List<AuditRecord>> parts = parts(batch);
      if (parts.size() == 1) {
        db.inTransaction(
            operation,
            (ctx, connection) -> {
              writer.write(ctx, connection, scope, parts.getFirst());
              return null;
            });
      } else {
        db.inTransactions(
            operation,
            parts,
            (ctx, connection, part) -> writer.write(ctx, connection, scope, part));
      }
    } catch (StaleLeaseException stale) {
      // Not the records' fault: no record of the batch is looked at.
      throw stale;
    } catch (RejectedException refused) {
      throw withRefusedRecords(operation, batch, refused);
    }
  }

  /**
   * The batch cut into as many parts as it has connections for, in order, each of at least {@value
   * #MIN_PART} records; when there is more than one, an event id that comes twice is kept once (as
   * the first): two uncommitted parts holding the same id would wait on each other for ever.
   */
  private List<List<AuditRecord>> parts(List<AuditRecord> batch) {
    int count = Math.min(connections, batch.size() / MIN_PART);
    if (count <= 1) {
      return List.of(batch);
    }
    Map<String, AuditRecord> distinct = new LinkedHashMap<>(batch.size() * 2);
    for (AuditRecord r : batch) {
      distinct.putIfAbsent(r.eventId(), r);
    }
    List<AuditRecord> records = new ArrayList<>(distinct.values());
    count = Math.max(1, Math.min(count, records.size() / MIN_PART));
    List<List<AuditRecord>> parts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      parts.add(records.subList(records.size() * i / count, records.size() * (i + 1) / count));
    }
    return parts;
  }

  /**
   * Refuses the batch, before anything is sent, when a record holds text PostgreSQL would store
   * altered (see {@link StorableText}); the refusal names each such record, as a refusal by the
   * database does.
   */
  private static void refuseWhatCannotBeKept(List<AuditRecord> batch) {
    List<Refusal> refusals = new ArrayList<>();
    for (AuditRecord r : batch) {
      StorableText.problem(r)
          .ifPresent(
              why -> refusals.add(new Refusal(r.eventId(), StorableText.UNPAIRED_SURROGATE, why)));
    }
    if (!refusals.isEmpty()) {
      throw new RejectedException(
          StorableText.UNPAIRED_SURROGATE, describe(refusals, batch.size()), null);
    }
  }

  private static String describe(List<Refusal> refusals, int batchSize) {
    StringBuilder reason = new StringBuilder();
    reason
        .append(refusals.size())
        .append(" of ")
        .append(batchSize)
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
    return reason.toString();
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
    return new RejectedException(
        refusals.getFirst().code(), describe(refusals, batch.size()), refused);
  }

  private record Refusal(String eventId, String code, String why) {}

  private List<Refusal> diagnose(DSLContext ctx, Connection connection, List<AuditRecord> batch)
      throws SQLException {
    List<Refusal> refusals = new ArrayList<>();
    for (AuditRecord r : batch) {
      Savepoint before = connection.setSavepoint();
      try {
        AuditRows.insert(ctx, scope.account(), r);
        connection.releaseSavepoint(before);
      } catch (DataAccessException e) {
        connection.rollback(before);
        SQLException sql = SqlErrors.sqlCause(e).orElseThrow(() -> e);
        String state = SqlErrors.sqlState(sql);
        if (!SqlErrors.isRefusalState(state)) {
          throw e;
        }
        RejectedException rejected = SqlErrors.rejected(sql, state, e);
        refusals.add(new Refusal(r.eventId(), rejected.code(), rejected.reason()));
      }
    }
    return refusals;
  }
}
