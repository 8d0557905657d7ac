package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.model.AuditRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit records waiting for the journal, and their order. Records wait in a bounded in-memory
 * queue; when it is full they go to the {@link AuditSpool}, and from then on every new record goes
 * there too until the spool is drained, so the order is memory first, then the spool. If even the
 * spool cannot be written, records are kept in memory beyond the bound (the overflow), last in
 * order: never dropped.
 *
 * <p>Producers only ever hold the lock to add to a deque or append a spool line. Whoever drains
 * (one thread at a time, guaranteed by the caller) takes the oldest records with {@link
 * #takeOldest} and removes them with {@link #consume} once they are written or dead-lettered.
 */
final class AuditBacklog {
  // Logged under the writer's name: operators configure and search for that category.
  private static final Logger log = LoggerFactory.getLogger(BatchingAuditWriter.class);

  private final AuditSpool spool;
  private final AuditWriterPolicy policy;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private ArrayDeque<AuditRecord> memory = new ArrayDeque<>();
  // Taken from memory by the drainer in one swap, written from there: the producers' lock is held
  // for O(1) per flush, not per record. Older than memory; counted in the memory bound. Only the
  // drainer touches the deque itself; producers read its size.
  private ArrayDeque<AuditRecord> inFlight = new ArrayDeque<>();
  private volatile int inFlightSize;
  private final ArrayDeque<AuditRecord> overflow = new ArrayDeque<>();
  private boolean spoolActive;
  private boolean closed;

  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong spooled = new AtomicLong();
  private final AtomicLong spoolFailures = new AtomicLong();

  AuditBacklog(AuditSpool spool, AuditWriterPolicy policy) {
    this.spool = spool;
    this.policy = policy;
    this.spoolActive = !spool.isEmpty();
    if (spoolActive) {
      log.info(
          "{} audit records wait in {} from an earlier run; they are written first",
          spool.size(),
          spool.file());
    }
  }

  /** Where the oldest batch comes from. */
  enum Source {
    MEMORY,
    SPOOL,
    OVERFLOW
  }

  /** What {@link #takeOldest} found. */
  sealed interface Next permits Taken, NothingWaits, SpoolUnreadable {}

  /** The oldest records waiting, in order, and where they wait. */
  static final class Taken implements Next {
    private final Source source;
    private final List<AuditRecord> records;
    private final AuditSpool.Batch spooled;

    private Taken(Source source, List<AuditRecord> records, AuditSpool.Batch spooled) {
      this.source = source;
      this.records = records;
      this.spooled = spooled;
    }

    List<AuditRecord> records() {
      return records;
    }
  }

  /** Nothing waits anywhere. */
  record NothingWaits() implements Next {}

  /** The spool holds records that could not be read now (already logged and counted). */
  record SpoolUnreadable() implements Next {}

  // ------------------------------------------------------------------ producers

  /**
   * Adds a record behind every other one.
   *
   * @throws UncheckedIOException only after {@link #closeIntoSpool}, when a late record cannot be
   *     made durable in the spool
   */
  void add(AuditRecord record) {
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

  // ------------------------------------------------------------------ the drainer

  /** Up to {@code batchSize} of the oldest records waiting, without removing them. */
  Next takeOldest() {
    while (true) {
      Source source;
      List<AuditRecord> fromOverflow = List.of();
      lock.lock();
      try {
        takeMemory();
        if (!inFlight.isEmpty()) {
          source = Source.MEMORY;
        } else if (spoolActive) {
          source = Source.SPOOL;
        } else if (!overflow.isEmpty()) {
          source = Source.OVERFLOW;
          fromOverflow = first(overflow);
        } else {
          return new NothingWaits();
        }
      } finally {
        lock.unlock();
      }
      switch (source) {
        case MEMORY -> {
          return new Taken(source, first(inFlight), null); // the drainer's own deque: no lock
        }
        case OVERFLOW -> {
          return new Taken(source, fromOverflow, null);
        }
        case SPOOL -> {
          Next next = peekSpool();
          if (next != null) {
            return next;
          }
          // The spool turned out drained: look again, memory may hold newer records by now.
        }
      }
    }
  }

  /** The spool's first batch; null when the spool turned out empty and is no longer active. */
  private Next peekSpool() {
    AuditSpool.Batch batch;
    try {
      batch = spool.peek(policy.batchSize());
    } catch (IOException e) {
      spoolFailures.incrementAndGet();
      log.error("reading the audit spool {} failed; will retry", spool.file(), e);
      return new SpoolUnreadable();
    }
    if (!batch.isEmpty()) {
      return new Taken(Source.SPOOL, batch.records(), batch);
    }
    boolean stillActive;
    lock.lock();
    try {
      spoolActive = !spool.isEmpty();
      stillActive = spoolActive;
    } finally {
      lock.unlock();
    }
    if (stillActive) {
      spoolFailures.incrementAndGet();
      log.error("the audit spool {} reports records but none could be read", spool.file());
      return new SpoolUnreadable();
    }
    return null;
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

  /** Removes the first {@code count} records of what was taken: written or dead-lettered. */
  void consume(Taken taken, int count) {
    if (taken.source == Source.MEMORY) {
      removeFirst(inFlight, count);
      inFlightSize = inFlight.size();
      return;
    }
    lock.lock();
    try {
      switch (taken.source) {
        case MEMORY -> throw new IllegalStateException("consumed above, without the lock");
        case OVERFLOW -> removeFirst(overflow, count);
        case SPOOL -> {
          try {
            spool.commit(taken.spooled, count);
          } catch (IOException e) {
            // The journal has the records; at worst a restart replays them (idempotent).
            spoolFailures.incrementAndGet();
            log.error("recording the spool's progress in {} failed", spool.file(), e);
          }
          spoolActive = !spool.isEmpty();
        }
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

  /** Forces what was spooled so far to the disk. */
  void syncSpool() {
    try {
      spool.sync();
    } catch (IOException e) {
      spoolFailures.incrementAndGet();
      log.error("forcing the audit spool {} to disk failed", spool.file(), e);
    }
  }

  // ------------------------------------------------------------------ waiting for work

  /** Whether at least {@code batchSize} records wait in memory. */
  boolean hasFullBatchInMemory() {
    lock.lock();
    try {
      return memory.size() + inFlightSize >= policy.batchSize();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to {@code nanos} for a full batch in memory, as long as {@code keepWaiting} holds;
   * while {@code backingOff}, a full batch does not cut the wait short.
   */
  void awaitWork(long nanos, boolean backingOff, BooleanSupplier keepWaiting)
      throws InterruptedException {
    lock.lock();
    try {
      // keepWaiting is read under the lock that wakeAll signals under, so a wake-up after it
      // turned false is never missed.
      if (keepWaiting.getAsBoolean()
          && nanos > 0
          && (backingOff || memory.size() + inFlightSize < policy.batchSize())) {
        work.await(nanos, TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every {@link #awaitWork}, to look at its {@code keepWaiting} again. */
  void wakeAll() {
    lock.lock();
    try {
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ closing and inspection

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the backlog: everything still in memory goes to the front of the spool, in order, and
   * the overflow behind it; records added later go straight to the spool. Holds off the drainer.
   *
   * @throws UncheckedIOException when the records could not be written to the spool
   */
  void closeIntoSpool() {
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
  }

  /** Every record waiting: in memory, in the spool and in the overflow. */
  long pending() {
    lock.lock();
    try {
      return (long) memory.size() + inFlightSize + spool.size() + overflow.size();
    } finally {
      lock.unlock();
    }
  }

  /** The counters and sizes, read together under the lock, with the writing side's counters. */
  AuditWriterStats stats(long written, long deadLettered, long journalFailures) {
    lock.lock();
    try {
      return new AuditWriterStats(
          submitted.get(),
          written,
          deadLettered,
          spooled.get(),
          memory.size() + inFlightSize,
          spool.size(),
          overflow.size(),
          journalFailures,
          spoolFailures.get(),
          spool.corruptLines());
    } finally {
      lock.unlock();
    }
  }
}
