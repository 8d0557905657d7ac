package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.AuditRecord;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one batch to the journal. A batch the journal refuses ({@link RejectedException}) is
 * split in halves until each refused record is alone; those go to the {@link DeadLetterStore} with
 * the reason and the others are written, so one bad record costs a handful of calls, not one per
 * record, and never the rest of its batch.
 */
final class BatchAppender {
  // Logged under the writer's name: operators configure and search for that category.
  private static final Logger log = LoggerFactory.getLogger(BatchingAuditWriter.class);

  private final AuditJournal journal;
  private final DeadLetterStore deadLetters;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();

  BatchAppender(AuditJournal journal, DeadLetterStore deadLetters) {
    this.journal = journal;
    this.deadLetters = deadLetters;
  }

  /** How far a batch got: records written or dead-lettered, in order from its start. */
  static final class Progress {
    int resolved;
    int written;
  }

  /** The journal (or the dead-letter store) could not take the records now; try again later. */
  static final class TransientFailure extends Exception {
    final Duration retryAfter;

    TransientFailure(Exception cause, Duration retryAfter) {
      super(cause.getMessage(), cause);
      this.retryAfter = retryAfter;
    }
  }

  /**
   * Writes a batch. Records are resolved strictly in order, so a failure midway leaves a written
   * prefix (counted in {@code progress}) and an untouched rest.
   *
   * <p>A refusal ({@link RejectedException}) is the data's fault: the batch is split until the
   * refused record is alone, and that record is dead-lettered. So is an exception outside the
   * port's taxonomy (a defect of the journal's adapter met by one record, a value its driver cannot
   * convert): retrying it would stop every record behind it for ever, so it is treated as that
   * record's refusal, found the same way, and dead-lettered with its class and message. Only the
   * failures that say the journal cannot be reached now (unreachable, retryable, rate-limited,
   * outcome unknown) keep the batch and end the attempt. So does a stale lease ({@link
   * StaleLeaseException}, a {@link RejectedException} by type): another runner holds the account
   * now, which is the runner's problem, not any record's; splitting would refuse every record alone
   * and dead-letter the lot. The batch stays queued (and spooled), for the runner that holds the
   * lease next.
   */
  void append(List<AuditRecord> batch, Progress progress) throws TransientFailure {
    String refusal;
    try {
      journal.append(batch);
      progress.resolved += batch.size();
      progress.written += batch.size();
      written.addAndGet(batch.size());
      return;
    } catch (PortException e) {
      refusal = refusalOrThrow(e);
    } catch (RuntimeException e) {
      refusal = "UNEXPECTED " + e.getClass().getName() + ": " + e.getMessage();
      log.warn("the audit journal threw outside its taxonomy; isolating the record(s)", e);
    }
    if (batch.size() == 1) {
      deadLetter(batch.get(0), refusal);
      progress.resolved++;
    } else {
      int mid = batch.size() / 2;
      append(batch.subList(0, mid), progress);
      append(batch.subList(mid, batch.size()), progress);
    }
  }

  /** The reason of a refusal; any other failure of the port is transient and thrown as such. */
  private static String refusalOrThrow(PortException e) throws TransientFailure {
    return switch (e) {
      case StaleLeaseException stale -> throw new TransientFailure(stale, Duration.ZERO);
      case RejectedException rejected -> rejected.code() + ": " + rejected.reason();
      case RateLimitedException limited ->
          throw new TransientFailure(limited, limited.retryAfter());
      case PersistenceException unreachable ->
          throw new TransientFailure(unreachable, Duration.ZERO);
      case RetryableException retryable -> throw new TransientFailure(retryable, Duration.ZERO);
      case OutcomeUnknownException unknown -> throw new TransientFailure(unknown, Duration.ZERO);
    };
  }

  private void deadLetter(AuditRecord record, String reason) throws TransientFailure {
    try {
      deadLetters.deadLetter(record, reason);
    } catch (RuntimeException e) {
      log.error(
          "audit record {} was refused by the journal ({}) and the dead-letter store failed too;"
              + " it stays queued",
          record.eventId(),
          reason,
          e);
      throw new TransientFailure(e, Duration.ZERO);
    }
    deadLettered.incrementAndGet();
    log.error(
        "audit record {} ({} about {}) refused by the journal and dead-lettered: {}",
        record.eventId(),
        record.type(),
        record.correlationKey(),
        reason);
  }

  long written() {
    return written.get();
  }

  long deadLettered() {
    return deadLettered.get();
  }
}
