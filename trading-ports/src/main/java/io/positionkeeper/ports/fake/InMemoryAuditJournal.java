package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Lease;
import java.util.HashMap;
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
 *
 * <p>A journal is bound to one account ({@link AccountId#DEFAULT} unless made with {@link
 * #forAccount} or {@link #fencedBy}); the journals made from one another share one trail, as
 * accounts share one database table, and each one's queries see its own account's records only. The
 * knobs and counters belong to each journal. A journal fenced by a lease appends only while the
 * lease is current ({@link InMemoryAccountLease#whileCurrent}).
 */
public final class InMemoryAuditJournal implements AuditJournal {

  /** The operations the fault knobs address. */
  public enum Op {
    APPEND
  }

  /** The trail the journals of all accounts share. */
  private static final class Trail {
    final Map<String, AuditRecord> records = new LinkedHashMap<>();
    final Map<String, AccountId> accountOf = new HashMap<>();
  }

  private final FaultKnobs<Op> faults = new FaultKnobs<>(Op.class);
  private final Trail trail;
  private final AccountId account;
  private final Lease lease;
  private final InMemoryAccountLease leases;
  private boolean available = true;
  private Predicate<AuditRecord> poison = r -> false;
  private String poisonReason = "";
  private int appendCalls;
  private final java.util.concurrent.atomic.AtomicInteger duplicatesIgnored =
      new java.util.concurrent.atomic.AtomicInteger();

  /** A journal of the {@link AccountId#DEFAULT} account on a trail of its own. */
  public InMemoryAuditJournal() {
    this(new Trail(), AccountId.DEFAULT, null, null);
  }

  private InMemoryAuditJournal(
      Trail trail, AccountId account, Lease lease, InMemoryAccountLease leases) {
    this.trail = trail;
    this.account = Objects.requireNonNull(account, "account");
    this.lease = lease;
    this.leases = leases;
  }

  /** A journal of {@code account} on this journal's trail, unfenced. */
  public InMemoryAuditJournal forAccount(AccountId account) {
    return new InMemoryAuditJournal(trail, account, null, null);
  }

  /** A journal of the lease's account on this journal's trail, every append fenced by it. */
  public InMemoryAuditJournal fencedBy(Lease lease, InMemoryAccountLease leases) {
    return new InMemoryAuditJournal(
        trail,
        lease.account(),
        Objects.requireNonNull(lease, "lease"),
        Objects.requireNonNull(leases, "leases"));
  }

  /** The account this journal writes and reads. */
  public AccountId account() {
    return account;
  }

  /** The lease this journal is fenced by, or null. */
  Lease lease() {
    return lease;
  }

  /** The leases this journal's lease is checked against, or null. */
  InMemoryAccountLease leases() {
    return leases;
  }

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
    PortExceptionHolder.run(faults, Op.APPEND, () -> fenced(() -> appendNow(batch)));
  }

  private void fenced(Runnable write) {
    if (lease == null) {
      write.run();
      return;
    }
    leases.whileCurrent(
        lease,
        () -> {
          write.run();
          return null;
        });
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

  /**
   * Stores records that a store wrote in the same transaction as a state change. An event id is
   * stored once over the whole trail, as the database's unique index keeps it.
   */
  void storeAll(List<AuditRecord> batch) {
    synchronized (trail) {
      for (AuditRecord r : batch) {
        if (trail.records.putIfAbsent(r.eventId(), r) != null) {
          duplicatesIgnored.incrementAndGet();
        } else {
          trail.accountOf.put(r.eventId(), account);
        }
      }
    }
  }

  /** Every record of this journal's account, in the order it was first stored. */
  public List<AuditRecord> records() {
    synchronized (trail) {
      return trail.records.values().stream().filter(this::mine).toList();
    }
  }

  /** How many records of this journal's account are stored (without copying them). */
  public int size() {
    synchronized (trail) {
      return (int) trail.records.values().stream().filter(this::mine).count();
    }
  }

  /**
   * This account's records stored after its first {@code from}, in order (for readers that follow
   * along without copying the whole trail every step).
   */
  public List<AuditRecord> recordsFrom(int from) {
    synchronized (trail) {
      return trail.records.values().stream().filter(this::mine).skip(from).toList();
    }
  }

  private boolean mine(AuditRecord r) {
    return account.equals(trail.accountOf.get(r.eventId()));
  }

  /** The stored records about one position id. */
  public List<AuditRecord> recordsOf(long positionId) {
    return records().stream()
        .filter(r -> r.positionId().equals(OptionalLong.of(positionId)))
        .toList();
  }

  /** The stored records of one correlation key. */
  public List<AuditRecord> recordsWithKey(String correlationKey) {
    return records().stream().filter(r -> r.correlationKey().equals(correlationKey)).toList();
  }

  /** The stored record types, in order. */
  public List<String> types() {
    return records().stream().map(AuditRecord::type).toList();
  }

  /** How many append calls reached the journal (failed ones included). */
  public synchronized int appendCalls() {
    return appendCalls;
  }

  /** How many records were offered again after being stored (and ignored). */
  public int duplicatesIgnored() {
    return duplicatesIgnored.get();
  }
}
