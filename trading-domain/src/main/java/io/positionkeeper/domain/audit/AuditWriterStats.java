package io.positionkeeper.domain.audit;

/**
 * What a {@link BatchingAuditWriter} has done and holds, for health checks and the status command.
 *
 * @param submitted records handed to it
 * @param written records the journal accepted
 * @param deadLettered records the journal refused, kept in the dead-letter store with the reason
 * @param spooled records that went to the spool file because memory was full
 * @param inMemory records waiting in memory, within the bound
 * @param inSpool records waiting in the spool file
 * @param inOverflow records kept in memory beyond the bound because the spool could not be written
 * @param journalFailures failed attempts to reach the journal (retried later, nothing lost)
 * @param spoolFailures failed reads or writes of the spool file
 * @param corruptSpoolLines spool lines that could not be decoded, moved to the {@code .corrupt}
 *     file
 */
public record AuditWriterStats(
    long submitted,
    long written,
    long deadLettered,
    long spooled,
    int inMemory,
    long inSpool,
    int inOverflow,
    long journalFailures,
    long spoolFailures,
    long corruptSpoolLines) {

  /** Every record waiting to be written. */
  public long pending() {
    return inMemory + inSpool + inOverflow;
  }
}
