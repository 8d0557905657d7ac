package io.positionkeeper.postgres;

/** How {@link JooqAuditJournal} sends a batch to PostgreSQL; see BENCHMARKS.md for the numbers. */
public enum JournalWriteMethod {
  /**
   * {@code COPY} into a session-local staging table, then one {@code INSERT ... SELECT ... ON
   * CONFLICT (event_id) DO NOTHING}. The faster; needs a session of its own (not a transaction-mode
   * PgBouncer).
   */
  COPY,
  /**
   * A JDBC batch of {@code INSERT ... ON CONFLICT (event_id) DO NOTHING} that the driver rewrites
   * into multi-row inserts ({@code reWriteBatchedInserts}). Works behind any connection pooler.
   */
  BATCH
}
