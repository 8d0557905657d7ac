package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AuditRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * An audit journal in memory, idempotent by event id. Knobs: {@link #setAvailable(boolean)} makes
 * every append fail as an unreachable database would; {@link #rejectWhen(Predicate)} makes a batch
 * holding a matching record fail as a constraint violation would (the whole batch, as a database
 * transaction does).
 */
public final class InMemoryAuditJournal implements AuditJournal {

  /** The operations the fault knobs address. */
  public enum Op {
    APPEND
  }

  private final FaultKnobs<Op> faults = new FaultKnobs<>(Op.class);
  private final Map<String, AuditRecord> records = new LinkedHashMap<>();
  private boolean available = true;
  private Predicate<AuditRecord> poison = r -> false;
  private String poisonReason = "";
  private int appendCalls;
  private int duplicatesIgnored;

  /** The fault plan of {@link #append}. */
  public FaultKnobs<Op> faults() {
    return faults;
  }

  /** While false, every append throws {@link PersistenceException}. */
  public synchronized InMemoryAuditJournal setAvailable(boolean available) {
    this.available = available;
    return this;
  }

  /** Any batch with a record matching {@code poison} is refused whole with {@code reason}. */
  public synchronized InMemoryAuditJournal rejectWhen(
      Predicate<AuditRecord> poison, String reason) {
    this.poison = Objects.requireNonNull(poison, "poison");
    this.poisonReason = Objects.requireNonNull(reason, "reason");
    return this;
  }

  @Override
  public void append(List<AuditRecord> batch) {
    PortExceptionHolder.run(faults, Op.APPEND, () -> appendNow(batch));
  }

  private synchronized void appendNow(List<AuditRecord> batch) {
    appendCalls++;
    if (!available) {
      throw new PersistenceException("audit journal unavailable");
    }
    for (AuditRecord r : batch) {
      if (poison.test(r)) {
        throw new RejectedException(
            "CONSTRAINT_VIOLATION", poisonReason + " (event " + r.eventId() + ")");
      }
    }
    storeAll(batch);
  }

  /** Stores records that a store wrote in the same transaction as a state change. */
  synchronized void storeAll(List<AuditRecord> batch) {
    for (AuditRecord r : batch) {
      if (records.putIfAbsent(r.eventId(), r) != null) {
        duplicatesIgnored++;
      }
    }
  }

  /** Every stored record, in the order it was first stored. */
  public synchronized List<AuditRecord> records() {
    return List.copyOf(records.values());
  }

  /** How many records are stored. */
  public synchronized int size() {
    return records.size();
  }

  /** The records stored after the first {@code from}, in order (for readers that follow along). */
  public synchronized List<AuditRecord> recordsFrom(int from) {
    return records.values().stream().skip(from).toList();
  }

  /** The stored records about one position id. */
  public synchronized List<AuditRecord> recordsOf(long positionId) {
    return records.values().stream()
        .filter(r -> r.positionId().equals(OptionalLong.of(positionId)))
        .toList();
  }

  /** The stored records of one correlation key. */
  public synchronized List<AuditRecord> recordsWithKey(String correlationKey) {
    return records.values().stream()
        .filter(r -> r.correlationKey().equals(correlationKey))
        .toList();
  }

  /** The stored record types, in order. */
  public synchronized List<String> types() {
    return records.values().stream().map(AuditRecord::type).toList();
  }

  /** How many append calls reached the journal (failed ones included). */
  public synchronized int appendCalls() {
    return appendCalls;
  }

  /** How many records were offered again after being stored (and ignored). */
  public synchronized int duplicatesIgnored() {
    return duplicatesIgnored;
  }
}
