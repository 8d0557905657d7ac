package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.AuditRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
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
 */
public final class BatchingAuditWriter implements AuditSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchingAuditWriter.class);

  private final AuditJournal journal;
  private final DeadLetterStore deadLetters;
  private final AuditSpool spool;
  private final Clock clock;
  private final AuditWriterPolicy policy;

  // The queue: guarded by lock. submit holds it only to add to a deque or append a spool line.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private ArrayDeque<AuditRecord> memory = new ArrayDeque<>();
  // Taken from memory by the flusher in one swap, written from there: the producers' lock is held
  // for O(1) per flush, not per record. Older than memory; counted in the memory bound.
  private ArrayDeque<AuditRecord> inFlight = new ArrayDeque<>();
  private volatile int inFlightSize;
  private final ArrayDeque<AuditRecord> overflow = new ArrayDeque<>();
  private boolean spoolActive;
  private boolean closed;

  // Flushing: one flusher at a time, under flushLock.
  private final ReentrantLock flushLock = new ReentrantLock();
  private int consecutiveFailures;
  private Instant retryAt;
  private Instant lastDrainAt;

  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong spooled = new AtomicLong();
  private final AtomicLong journalFailures = new AtomicLong();
  private final AtomicLong spoolFailures = new AtomicLong();

  private Thread flusher;
  private volatile boolean running;

  public BatchingAuditWriter(
      AuditJournal journal,
      DeadLetterStore deadLetters,
      AuditSpool spool,
      Clock clock,
      AuditWriterPolicy policy) {
    this.journal = Objects.requireNonNull(journal, "journal");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.spool = Objects.requireNonNull(spool, "spool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.lastDrainAt = clock.now();
    this.spoolActive = !spool.isEmpty();
    if (spoolActive) {
      log.info(
          "{} audit records wait in {} from an earlier run; they are written first",
          spool.size(),
          spool.file());
    }
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
    lock.lock();
    try {
      submitted.incrementAndGet();
      if (closed) {
        appendAfterClose(record);
        return;
      }
      if (!overflow.isEmpty()) {
        overflow.addLast(record);
        return;
      }
      int inMemory = memory.size() + inFlightSize;
      if (spoolActive || inMemory >= policy.memoryCapacity()) {
        spill(record);
        return;
      }
      memory.addLast(record);
      if (inMemory + 1 == policy.batchSize()) {
        work.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  private void spill(AuditRecord record) {
    try {
      spool.append(record);
      spooled.incrementAndGet();
      if (!spoolActive) {
        spoolActive = true;
        log.warn(
            "audit queue full ({} records in memory): new records go to {} until it is drained",
            memory.size() + inFlightSize,
            spool.file());
      }
    } catch (IOException e) {
      spoolFailures.incrementAndGet();
      if (overflow.isEmpty()) {
        log.error(
            "writing the audit spool {} failed; records are kept in memory beyond the bound of {}"
                + " until it can be drained",
            spool.file(),
            policy.memoryCapacity(),
            e);
      }
      overflow.addLast(record);
    }
  }

  private void appendAfterClose(AuditRecord record) {
    try {
      spool.append(record);
      spooled.incrementAndGet();
      log.warn(
          "audit record {} ({}) arrived after close; kept in {} for the next writer",
          record.eventId(),
          record.type(),
          spool.file());
    } catch (IOException e) {
      spoolFailures.incrementAndGet();
      log.error(
          "audit record {} ({}) arrived after close and could not be spooled",
          record.eventId(),
          record.type(),
          e);
      throw new UncheckedIOException("audit writer closed and its spool is not writable", e);
    }
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
      if (retryAt != null && now.isBefore(retryAt)) {
        // Backing off: nothing is sent, but what was spooled meanwhile is forced to disk.
        syncSpool();
        return 0;
      }
      if (retryAt != null) {
        return drain();
      }
      boolean fullBatch;
      lock.lock();
      try {
        fullBatch = memory.size() + inFlightSize >= policy.batchSize();
      } finally {
        lock.unlock();
      }
      if (fullBatch || !now.isBefore(lastDrainAt.plus(policy.flushInterval()))) {
        return drain();
      }
      syncSpool();
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
      return drain();
    } finally {
      flushLock.unlock();
    }
  }

  private enum Source {
    MEMORY,
    SPOOL,
    OVERFLOW,
    NONE
  }

  /** Writes batches until nothing is left or the journal fails. Holds flushLock. */
  private int drain() {
    lastDrainAt = clock.now();
    int total = 0;
    while (true) {
      Source source;
      List<AuditRecord> batch = List.of();
      lock.lock();
      try {
        takeMemory();
        if (!inFlight.isEmpty()) {
          source = Source.MEMORY;
        } else if (spoolActive) {
          source = Source.SPOOL;
        } else if (!overflow.isEmpty()) {
          source = Source.OVERFLOW;
          batch = first(overflow);
        } else {
          source = Source.NONE;
        }
      } finally {
        lock.unlock();
      }
      AuditSpool.Batch spooledBatch = null;
      if (source == Source.MEMORY) {
        batch = first(inFlight); // the flusher's own deque: no lock needed
      }
      switch (source) {
        case NONE -> {
          syncSpool();
          return total;
        }
        case SPOOL -> {
          try {
            spooledBatch = spool.peek(policy.batchSize());
          } catch (IOException e) {
            spoolFailures.incrementAndGet();
            log.error("reading the audit spool {} failed; will retry", spool.file(), e);
            scheduleRetry(Duration.ZERO);
            return total;
          }
          if (spooledBatch.isEmpty()) {
            lock.lock();
            try {
              spoolActive = !spool.isEmpty();
            } finally {
              lock.unlock();
            }
            if (spoolActive) {
              spoolFailures.incrementAndGet();
              log.error("the audit spool {} reports records but none could be read", spool.file());
              scheduleRetry(Duration.ZERO);
              return total;
            }
            continue;
          }
          batch = spooledBatch.records();
        }
        case MEMORY, OVERFLOW -> {}
      }
      Progress progress = new Progress();
      TransientFailure failure = null;
      try {
        write(batch, progress);
      } catch (TransientFailure f) {
        failure = f;
      }
      consume(source, spooledBatch, progress.resolved);
      total += progress.written;
      if (failure != null) {
        journalFailures.incrementAndGet();
        scheduleRetry(failure.retryAfter);
        logFailure(failure.getCause());
        syncSpool();
        return total;
      }
      if (consecutiveFailures > 0) {
        log.info(
            "audit journal reachable again after {} failed attempts; {} records still waiting",
            consecutiveFailures,
            stats().pending());
      }
      consecutiveFailures = 0;
      retryAt = null;
    }
  }

  /** Moves what waits in memory behind what is in flight; a swap in the common case. Holds lock. */
  private void takeMemory() {
    if (memory.isEmpty()) {
      return;
    }
    if (inFlight.isEmpty()) {
      ArrayDeque<AuditRecord> empty = inFlight;
      inFlight = memory;
      memory = empty;
    } else {
      inFlight.addAll(memory);
      memory.clear();
    }
    inFlightSize = inFlight.size();
  }

  private List<AuditRecord> first(ArrayDeque<AuditRecord> queue) {
    int n = Math.min(policy.batchSize(), queue.size());
    List<AuditRecord> batch = new ArrayList<>(n);
    var it = queue.iterator();
    for (int i = 0; i < n; i++) {
      batch.add(it.next());
    }
    return batch;
  }

  /** Removes the first {@code count} records of the source: written or dead-lettered. */
  private void consume(Source source, AuditSpool.Batch spooledBatch, int count) {
    if (source == Source.MEMORY) {
      removeFirst(inFlight, count);
      inFlightSize = inFlight.size();
      return;
    }
    lock.lock();
    try {
      switch (source) {
        case MEMORY -> throw new IllegalStateException("consumed above, without the lock");
        case OVERFLOW -> removeFirst(overflow, count);
        case SPOOL -> {
          try {
            spool.commit(spooledBatch, count);
          } catch (IOException e) {
            // The journal has the records; at worst a restart replays them (idempotent).
            spoolFailures.incrementAndGet();
            log.error("recording the spool's progress in {} failed", spool.file(), e);
          }
          spoolActive = !spool.isEmpty();
        }
        case NONE -> throw new IllegalStateException("nothing was read");
      }
    } finally {
      lock.unlock();
    }
  }

  private static void removeFirst(ArrayDeque<AuditRecord> queue, int count) {
    for (int i = 0; i < count; i++) {
      queue.removeFirst();
    }
  }

  /** How far a batch got: records written or dead-lettered, in order from its start. */
  private static final class Progress {
    int resolved;
    int written;
  }

  /** The journal (or the dead-letter store) could not take the records now; try again later. */
  private static final class TransientFailure extends Exception {
    final Duration retryAfter;

    TransientFailure(Exception cause, Duration retryAfter) {
      super(cause.getMessage(), cause);
      this.retryAfter = retryAfter;
    }
  }

  /**
   * Writes a batch; on a refusal, each half is written on its own, down to single records, so only
   * the refused records are set aside. Records are resolved strictly in order, so a failure midway
   * leaves a written prefix and an untouched rest.
   */
  private void write(List<AuditRecord> batch, Progress progress) throws TransientFailure {
    try {
      journal.append(batch);
      progress.resolved += batch.size();
      progress.written += batch.size();
      written.addAndGet(batch.size());
    } catch (PortException e) {
      switch (e) {
        case RejectedException rejected -> {
          if (batch.size() == 1) {
            deadLetter(batch.get(0), rejected);
            progress.resolved++;
          } else {
            int mid = batch.size() / 2;
            write(batch.subList(0, mid), progress);
            write(batch.subList(mid, batch.size()), progress);
          }
        }
        case RateLimitedException limited ->
            throw new TransientFailure(limited, limited.retryAfter());
        case PersistenceException unreachable ->
            throw new TransientFailure(unreachable, Duration.ZERO);
        case RetryableException retryable -> throw new TransientFailure(retryable, Duration.ZERO);
        case OutcomeUnknownException unknown -> throw new TransientFailure(unknown, Duration.ZERO);
      }
    } catch (RuntimeException e) {
      // Not the port's taxonomy: a defect in the journal's adapter. Keep the records and retry.
      throw new TransientFailure(e, Duration.ZERO);
    }
  }

  private void deadLetter(AuditRecord record, RejectedException rejected) throws TransientFailure {
    String reason = rejected.code() + ": " + rejected.reason();
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

  private void scheduleRetry(Duration atLeast) {
    consecutiveFailures++;
    Duration wait = policy.retryBackoff().delay(consecutiveFailures);
    if (atLeast.compareTo(wait) > 0) {
      wait = atLeast;
    }
    retryAt = clock.now().plus(wait);
  }

  private void logFailure(Throwable cause) {
    long pending = stats().pending();
    Duration wait = Duration.between(clock.now(), retryAt);
    if (consecutiveFailures == 1) {
      log.warn(
          "audit journal write failed; {} records kept, next attempt in {}", pending, wait, cause);
    } else {
      log.warn(
          "audit journal write failed {} times in a row ({}); {} records kept, next attempt in {}",
          consecutiveFailures,
          cause.toString(),
          pending,
          wait);
    }
  }

  private void syncSpool() {
    try {
      spool.sync();
    } catch (IOException e) {
      spoolFailures.incrementAndGet();
      log.error("forcing the audit spool {} to disk failed", spool.file(), e);
    }
  }

  // ------------------------------------------------------------------ flusher thread

  /**
   * Starts the flusher thread: it writes a batch as soon as {@code batchSize} records wait, and
   * whatever waits every {@code flushInterval}. Uses real time: for a production clock.
   */
  public void startFlusher() {
    lock.lock();
    try {
      if (flusher != null) {
        throw new IllegalStateException("the flusher is already started");
      }
      if (closed) {
        throw new IllegalStateException("the writer is closed");
      }
      running = true;
      flusher = Thread.ofPlatform().name("audit-flusher").daemon(true).unstarted(this::runFlusher);
      flusher.start();
    } finally {
      lock.unlock();
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
          backingOff = retryAt != null && now.isBefore(retryAt);
          Instant due = retryAt != null ? retryAt : lastDrainAt.plus(policy.flushInterval());
          // At least once per interval, also while backing off, so spooled records reach the disk.
          waitNanos =
              Math.min(Duration.between(now, due).toNanos(), policy.flushInterval().toNanos());
        } finally {
          flushLock.unlock();
        }
        lock.lock();
        try {
          if (running
              && waitNanos > 0
              && (backingOff || memory.size() + inFlightSize < policy.batchSize())) {
            work.await(waitNanos, TimeUnit.NANOSECONDS);
          }
        } finally {
          lock.unlock();
        }
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
    lock.lock();
    try {
      if (closed) {
        return;
      }
      running = false;
      thread = flusher;
      work.signalAll();
    } finally {
      lock.unlock();
    }
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        log.error("the audit flusher did not stop within 30 s; closing anyway");
      }
    }
    flushLock.lock();
    try {
      drain();
      lock.lock();
      try {
        closed = true;
        takeMemory();
        List<AuditRecord> front = List.copyOf(inFlight);
        List<AuditRecord> back = List.copyOf(overflow);
        try {
          spool.rewrite(front, back);
          inFlight.clear();
          inFlightSize = 0;
          overflow.clear();
          spoolActive = !spool.isEmpty();
          spool.close();
        } catch (IOException e) {
          spoolFailures.incrementAndGet();
          log.error(
              "{} audit records could not be saved to {} at close",
              front.size() + back.size(),
              spool.file(),
              e);
          throw new UncheckedIOException("audit records could not be saved at close", e);
        }
        long left = spool.size();
        if (left > 0) {
          log.warn("{} audit records left in {} for the next start", left, spool.file());
        }
      } finally {
        lock.unlock();
      }
    } finally {
      flushLock.unlock();
    }
  }

  /** A consistent view of the counters and of what waits. */
  public AuditWriterStats stats() {
    lock.lock();
    try {
      return new AuditWriterStats(
          submitted.get(),
          written.get(),
          deadLettered.get(),
          spooled.get(),
          memory.size() + inFlightSize,
          spool.size(),
          overflow.size(),
          journalFailures.get(),
          spoolFailures.get(),
          spool.corruptLines());
    } finally {
      lock.unlock();
    }
  }

  /** When the next attempt after a failure is due; empty when the last attempt succeeded. */
  public java.util.Optional<Instant> retryAt() {
    flushLock.lock();
    try {
      return java.util.Optional.ofNullable(retryAt);
    } finally {
      flushLock.unlock();
    }
  }
}
