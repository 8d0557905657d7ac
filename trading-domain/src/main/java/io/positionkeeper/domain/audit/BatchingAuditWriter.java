package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AuditRecord;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit sink of the trading path: {@link #submit} only queues, and never waits for the journal.
 * Records wait in a bounded in-memory queue; when it is full they go to the {@link AuditSpool}
 * file, and from then on every new record goes there too until the spool is drained, so the order
 * is kept (memory first, then the spool). If even the spool cannot be written, records are kept in
 * memory beyond the bound, logged and counted: never dropped.
 *
 * <p>Batches of up to {@code batchSize} records are written every {@code flushInterval} or as soon
 * as a full batch waits, by the flusher thread ({@link #startFlusher()}) or by whoever calls {@link
 * #tick()}; {@link #flush()} writes at once. A batch the journal refuses ({@link
 * RejectedException}) is split in halves until each refused record is alone; those go to the {@link
 * DeadLetterStore} with the reason and the others are written. When the journal cannot be reached,
 * everything is kept and retried in order with backoff; replays are harmless because the journal is
 * idempotent by event id. {@link #close()} writes what it can and leaves the rest in the spool,
 * which the next writer on the same file sends first.
 *
 * <p>What waits is the {@link AuditBacklog}'s business, writing it is the {@link BacklogDrain}'s;
 * this class decides when to write.
 */
public final class BatchingAuditWriter implements AuditSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchingAuditWriter.class);

  private final Clock clock;
  private final AuditWriterPolicy policy;
  private final AuditBacklog backlog;
  private final BatchAppender appender;
  private final BacklogDrain drain;

  // One drainer at a time; also guards retry and lastDrainAt.
  private final ReentrantLock flushLock = new ReentrantLock();
  private final RetrySchedule retry;
  private Instant lastDrainAt;

  // Guards flusher; running is set under it too, and read by the flusher on every step.
  private final Object lifecycle = new Object();
  private Thread flusher;
  private volatile boolean running;

  public BatchingAuditWriter(
      AuditJournal journal,
      DeadLetterStore deadLetters,
      AuditSpool spool,
      Clock clock,
      AuditWriterPolicy policy) {
    Objects.requireNonNull(journal, "journal");
    Objects.requireNonNull(deadLetters, "deadLetters");
    Objects.requireNonNull(spool, "spool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.lastDrainAt = clock.now();
    this.backlog = new AuditBacklog(spool, policy);
    this.appender = new BatchAppender(journal, deadLetters);
    this.retry = new RetrySchedule(policy.retryBackoff(), clock);
    this.drain = new BacklogDrain(backlog, appender, retry, clock);
  }

  // ------------------------------------------------------------------ the trading path

  /**
   * Queues a record for writing; never waits for the journal.
   *
   * @throws UncheckedIOException only after {@link #close()}, when a late record cannot be made
   *     durable in the spool
   */
  @Override
  public void submit(AuditRecord record) {
    Objects.requireNonNull(record, "record");
    backlog.add(record);
  }

  // ------------------------------------------------------------------ flushing

  /**
   * Writes what is due: a full batch waiting, or anything once {@code flushInterval} has passed
   * since the last flush. Does nothing while waiting to retry after a failure. Returns how many
   * records the journal accepted.
   */
  public int tick() {
    flushLock.lock();
    try {
      Instant now = clock.now();
      if (retry.isBackingOff(now)) {
        // Backing off: nothing is sent, but what was spooled meanwhile is forced to disk.
        backlog.syncSpool();
        return 0;
      }
      if (retry.retryAt().isPresent()
          || backlog.hasFullBatchInMemory()
          || !now.isBefore(lastDrainAt.plus(policy.flushInterval()))) {
        return drainNow();
      }
      backlog.syncSpool();
      return 0;
    } finally {
      flushLock.unlock();
    }
  }

  /**
   * Writes everything it can now, in order, whatever the interval or the backoff say. Returns how
   * many records the journal accepted; what it could not write stays queued.
   */
  public int flush() {
    flushLock.lock();
    try {
      return drainNow();
    } finally {
      flushLock.unlock();
    }
  }

  /** Holds flushLock. */
  private int drainNow() {
    lastDrainAt = clock.now();
    return drain.drain();
  }

  // ------------------------------------------------------------------ flusher thread

  /**
   * Starts the flusher thread: it writes a batch as soon as {@code batchSize} records wait, and
   * whatever waits every {@code flushInterval}. Uses real time: for a production clock.
   */
  public void startFlusher() {
    synchronized (lifecycle) {
      if (flusher != null) {
        throw new IllegalStateException("the flusher is already started");
      }
      if (backlog.isClosed()) {
        throw new IllegalStateException("the writer is closed");
      }
      running = true;
      flusher = Thread.ofPlatform().name("audit-flusher").daemon(true).unstarted(this::runFlusher);
      flusher.start();
    }
  }

  private void runFlusher() {
    while (running) {
      try {
        long waitNanos;
        boolean backingOff;
        flushLock.lock();
        try {
          Instant now = clock.now();
          backingOff = retry.isBackingOff(now);
          Instant due = retry.retryAt().orElse(lastDrainAt.plus(policy.flushInterval()));
          // At least once per interval, also while backing off, so spooled records reach the disk.
          waitNanos =
              Math.min(Duration.between(now, due).toNanos(), policy.flushInterval().toNanos());
        } finally {
          flushLock.unlock();
        }
        backlog.awaitWork(waitNanos, backingOff, () -> running);
        if (running) {
          tick();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("audit flusher step failed; it carries on", e);
      }
    }
  }

  // ------------------------------------------------------------------ shutdown and inspection

  /**
   * Stops the flusher, writes what the journal takes, and leaves everything else durable in the
   * spool, in order, for the next writer on the same file.
   *
   * @throws UncheckedIOException when the remaining records could not be written to the spool
   */
  @Override
  public void close() {
    Thread thread;
    synchronized (lifecycle) {
      if (backlog.isClosed()) {
        return;
      }
      running = false;
      thread = flusher;
    }
    backlog.wakeAll();
    if (thread != null) {
      stopFlusher(thread);
    }
    flushLock.lock();
    try {
      drainNow();
      backlog.closeIntoSpool();
    } finally {
      flushLock.unlock();
    }
  }

  private static void stopFlusher(Thread thread) {
    try {
      thread.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.error("the audit flusher did not stop within 30 s; closing anyway");
    }
  }

  /** A consistent view of the counters and of what waits. */
  public AuditWriterStats stats() {
    return backlog.stats(appender.written(), appender.deadLettered(), drain.journalFailures());
  }

  /** When the next attempt after a failure is due; empty when the last attempt succeeded. */
  public Optional<Instant> retryAt() {
    flushLock.lock();
    try {
      return retry.retryAt();
    } finally {
      flushLock.unlock();
    }
  }
}
