package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the backlog into the journal, oldest first, batch after batch, until nothing is left or the
 * journal cannot be reached; then everything stays queued and the {@link RetrySchedule} says when
 * to try again. Replays after a failure are harmless because the journal is idempotent by event id.
 * One drainer at a time: the writer calls it under its flush lock.
 */
final class BacklogDrain {
  // Logged under the writer's name: operators configure and search for that category.
  private static final Logger log = LoggerFactory.getLogger(BatchingAuditWriter.class);

  private final AuditBacklog backlog;
  private final BatchAppender appender;
  private final RetrySchedule retry;
  private final Clock clock;
  private final AtomicLong journalFailures = new AtomicLong();

  BacklogDrain(AuditBacklog backlog, BatchAppender appender, RetrySchedule retry, Clock clock) {
    this.backlog = backlog;
    this.appender = appender;
    this.retry = retry;
    this.clock = clock;
  }

  /** Writes batches until nothing is left or the journal fails; returns how many it accepted. */
  int drain() {
    int total = 0;
    while (true) {
      switch (backlog.takeOldest()) {
        case AuditBacklog.NothingWaits nothing -> {
          backlog.syncSpool();
          return total;
        }
        case AuditBacklog.SpoolUnreadable unreadable -> {
          retry.failed(Duration.ZERO);
          return total;
        }
        case AuditBacklog.Taken taken -> {
          BatchAppender.Progress progress = new BatchAppender.Progress();
          BatchAppender.TransientFailure failure = null;
          try {
            appender.append(taken.records(), progress);
          } catch (BatchAppender.TransientFailure f) {
            failure = f; // handled below, once the written prefix is off the backlog
          }
          backlog.consume(taken, progress.resolved);
          total += progress.written;
          if (failure != null) {
            journalFailed(failure);
            return total;
          }
          journalReached();
        }
      }
    }
  }

  private void journalFailed(BatchAppender.TransientFailure failure) {
    journalFailures.incrementAndGet();
    retry.failed(failure.retryAfter);
    logFailure(failure.getCause());
    backlog.syncSpool();
  }

  private void journalReached() {
    if (retry.consecutiveFailures() > 0) {
      log.info(
          "audit journal reachable again after {} failed attempts; {} records still waiting",
          retry.consecutiveFailures(),
          backlog.pending());
    }
    retry.succeeded();
  }

  private void logFailure(Throwable cause) {
    long pending = backlog.pending();
    Duration wait = Duration.between(clock.now(), retry.retryAt().orElseThrow());
    int failures = retry.consecutiveFailures();
    if (failures == 1) {
      log.warn(
          "audit journal write failed; {} records kept, next attempt in {}", pending, wait, cause);
    } else {
      log.warn(
          "audit journal write failed {} times in a row ({}); {} records kept, next attempt in {}",
          failures,
          cause.toString(),
          pending,
          wait);
    }
  }

  long journalFailures() {
    return journalFailures.get();
  }
}
