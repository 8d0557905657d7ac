package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Positions in memory. Each change and its audit event are stored under one lock into this store
 * and the {@link InMemoryAuditJournal} given, the in-memory equivalent of one database transaction.
 *
 * <p>A store is bound to the account of its journal ({@link AccountId#DEFAULT} for a plain {@link
 * InMemoryAuditJournal}). The stores made from one another with {@link #forAccount} and {@link
 * #fencedBy} share one table of rows, as accounts share one database: ids are unique over all of
 * them, a venue entry order and a signal belong to one row whatever its account, and each store
 * finds, loads and changes its own account's rows only (another account's id is {@code NOT_FOUND}).
 * A store fenced by a lease writes only while the lease is current ({@link
 * InMemoryAccountLease#whileCurrent}), otherwise {@link
 * io.positionkeeper.ports.StaleLeaseException} and nothing written.
 */
public final class InMemoryPositionStore implements PositionStore {

  /** The operations the fault knobs address. */
  public enum Op {
    INSERT,
    FIND,
    FIND_BY_ENTRY_ORDER,
    LOAD_OPEN,
    UPDATE_POSITION,
    RECORD_STOP,
    MARK_CLOSING,
    CLOSE,
    MARK_ROLLED_BACK
  }

  /**
   * The code of a refused close without exit price or PnL: the name of the database check it
   * mirrors, which is the code the PostgreSQL store reports.
   */
  public static final String CLOSED_CHECK = "positions_closed_check";

  /** One call that changed a row, for tests that assert what was written. */
  public record Write(Op op, long id) {}

  /** The rows of every account, as one database table holds them. */
  private static final class Table {
    final TreeMap<Long, PositionRecord> rows = new TreeMap<>();
    final Map<Long, AccountId> accountOf = new java.util.HashMap<>();
    // Open rows per account, exchange and symbol: the unique-open check without a scan.
    final Map<String, Long> openBySymbol = new java.util.HashMap<>();
    long nextId = 1;
  }

  private final InMemoryAuditJournal journal;
  private final FaultKnobs<Op> faults = new FaultKnobs<>(Op.class);
  private final Table table;
  private final AccountId account;
  private final List<Write> writes = new ArrayList<>();

  /** A store of the journal's account, on a table of its own. */
  public InMemoryPositionStore(InMemoryAuditJournal journal) {
    this(new Table(), journal);
  }

  private InMemoryPositionStore(Table table, InMemoryAuditJournal journal) {
    this.table = table;
    this.journal = Objects.requireNonNull(journal, "journal");
    this.account = journal.account();
  }

  /**
   * A store of {@code account} on this store's table, writing its events into this store's trail,
   * unfenced.
   */
  public InMemoryPositionStore forAccount(AccountId account) {
    return new InMemoryPositionStore(table, journal.forAccount(account));
  }

  /** A store of the lease's account on this store's table, every write fenced by the lease. */
  public InMemoryPositionStore fencedBy(Lease lease, InMemoryAccountLease leases) {
    return new InMemoryPositionStore(table, journal.fencedBy(lease, leases));
  }

  /** The account this store reads and writes. */
  public AccountId account() {
    return account;
  }

  /** Runs a write under the lease's fence when the store has one, else as it is. */
  private <T> T fenced(Supplier<T> write) {
    Lease lease = journal.lease();
    return lease == null ? write.get() : journal.leases().whileCurrent(lease, write);
  }

  private String openKey(io.positionkeeper.ports.model.Exchange exchange, Object symbol) {
    return account + ":" + exchange + ":" + symbol;
  }

  public FaultKnobs<Op> faults() {
    return faults;
  }

  @Override
  public long insert(NewPosition p, AuditRecord created) {
    Objects.requireNonNull(p, "position");
    Objects.requireNonNull(created, "created");
    return PortExceptionHolder.call(faults, Op.INSERT, () -> fenced(() -> insertNow(p, created)));
  }

  private long insertNow(NewPosition p, AuditRecord created) {
    synchronized (table) {
      if (created.positionId().isPresent()) {
        throw new IllegalArgumentException(
            "the creation event of a new row must not carry a position id");
      }
      if (table.openBySymbol.containsKey(openKey(p.exchange(), p.symbol()))) {
        throw new RejectedException(
            "UNIQUE_OPEN_POSITION",
            "an open position exists already for " + p.exchange() + " " + p.symbol());
      }
      refuseASecondRowOfTheSameEntry(p);
      long id = table.nextId++;
      put(
          id,
          new PositionRecord(
              id,
              p.exchange(),
              p.symbol(),
              p.side(),
              p.quantity(),
              p.entryPrice(),
              PositionStatus.ACTIVE,
              p.exchangeOrderId(),
              p.entryClientOrderId(),
              p.signalId(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              p.openedAt(),
              p.openedAt(),
              Optional.empty()));
      journal.storeAll(List.of(created.withPositionId(id)));
      table.openBySymbol.put(openKey(p.exchange(), p.symbol()), id);
      writes.add(new Write(Op.INSERT, id));
      return id;
    }
  }

  private void put(long id, PositionRecord row) {
    table.rows.put(id, row);
    table.accountOf.put(id, account);
  }

  /** This account's row with that id, or null (another account's row is not seen). */
  private PositionRecord mine(long id) {
    return account.equals(table.accountOf.get(id)) ? table.rows.get(id) : null;
  }

  /** This account's rows, by id. */
  private java.util.stream.Stream<PositionRecord> mine(Map<Long, PositionRecord> rows) {
    return rows.values().stream().filter(r -> account.equals(table.accountOf.get(r.id())));
  }

  @Override
  public Optional<PositionRecord> find(long id) {
    return PortExceptionHolder.call(
        faults,
        Op.FIND,
        () -> {
          synchronized (table) {
            return Optional.ofNullable(mine(id));
          }
        });
  }

  @Override
  public Optional<PositionRecord> findByEntryOrder(ClientOrderId entryClientOrderId) {
    Objects.requireNonNull(entryClientOrderId, "entryClientOrderId");
    return PortExceptionHolder.call(
        faults,
        Op.FIND_BY_ENTRY_ORDER,
        () -> {
          synchronized (table) {
            Optional<ClientOrderId> wanted = Optional.of(entryClientOrderId);
            return mine(table.rows.descendingMap())
                .filter(r -> r.entryClientOrderId().equals(wanted))
                .findFirst();
          }
        });
  }

  @Override
  public List<PositionRecord> loadOpen() {
    return PortExceptionHolder.call(
        faults,
        Op.LOAD_OPEN,
        () -> {
          synchronized (table) {
            return mine(table.rows).filter(r -> r.status().isOpen()).toList();
          }
        });
  }

  /**
   * The database's unique indexes (V6): one row per venue entry order, per entry client order id
   * and per signal, whatever the status, except a rolled-back opening (it never held the position,
   * and the same entry may be adopted afterwards). The venue's order and the signal are unique over
   * every account; an entry client order id within the account (V8).
   */
  private void refuseASecondRowOfTheSameEntry(NewPosition p) {
    for (PositionRecord r : table.rows.values()) {
      if (r.status() == PositionStatus.ROLLED_BACK) {
        continue;
      }
      if (p.signalId().isPresent() && p.signalId().equals(r.signalId())) {
        throw new RejectedException(
            "positions_one_per_signal", "signal " + p.signalId().get() + " has position " + r.id());
      }
      if (r.exchange() != p.exchange()) {
        continue;
      }
      if (r.exchangeOrderId().equals(p.exchangeOrderId())) {
        throw new RejectedException(
            "positions_one_row_per_entry_order",
            "entry order " + p.exchangeOrderId().value() + " is position " + r.id() + " already");
      }
      if (p.entryClientOrderId().isPresent()
          && p.entryClientOrderId().equals(r.entryClientOrderId())
          && account.equals(table.accountOf.get(r.id()))) {
        throw new RejectedException(
            "positions_one_row_per_account_entry_client_order_id",
            "entry client order id "
                + p.entryClientOrderId().get().value()
                + " is position "
                + r.id()
                + " already");
      }
    }
  }

  @Override
  public void updatePosition(
      long id, PositionSide side, BigDecimal quantity, BigDecimal entryPrice, AuditRecord event) {
    change(
        Op.UPDATE_POSITION,
        id,
        event,
        r -> {
          if (quantity.signum() <= 0) {
            // The database's positions_open_quantity_check: a flat position is closed, not open.
            throw new RejectedException(
                "positions_open_quantity_check",
                "position " + id + ": an open position's quantity must be > 0, was " + quantity);
          }
          return copy(
              r,
              side,
              quantity,
              entryPrice,
              r.status(),
              r.stopClientId(),
              r.stopPrice(),
              Optional.empty(),
              r.note(),
              event.time());
        });
  }

  @Override
  public void recordStop(
      long id, ClientOrderId stopClientId, BigDecimal stopPrice, AuditRecord event) {
    change(
        Op.RECORD_STOP,
        id,
        event,
        r ->
            copy(
                r,
                r.side(),
                r.quantity(),
                r.entryPrice(),
                r.status(),
                Optional.of(stopClientId),
                Optional.of(stopPrice),
                Optional.empty(),
                r.note(),
                event.time()));
  }

  @Override
  public void markClosing(long id, AuditRecord event) {
    change(
        Op.MARK_CLOSING,
        id,
        event,
        r ->
            copy(
                r,
                r.side(),
                r.quantity(),
                r.entryPrice(),
                PositionStatus.CLOSING,
                r.stopClientId(),
                r.stopPrice(),
                Optional.empty(),
                r.note(),
                event.time()));
  }

  @Override
  public void close(long id, PositionClose close, AuditRecord event) {
    Objects.requireNonNull(close, "close");
    change(
        Op.CLOSE,
        id,
        event,
        r -> {
          if (close.closedAt().isBefore(r.openedAt())) {
            throw new RejectedException(
                "positions_closed_after_opened_check",
                "position " + id + " cannot close at " + close.closedAt() + ", before it opened");
          }
          // The database's positions_closed_check: only a phantom's exit may be unknown.
          if ((close.exitPrice().isEmpty() || close.realizedPnl().isEmpty())
              && close.reason() != CloseReason.PHANTOM) {
            throw new RejectedException(
                CLOSED_CHECK,
                "position "
                    + id
                    + ": a "
                    + close.reason()
                    + " close needs its exit price and realized PnL; only a PHANTOM's may be"
                    + " unknown");
          }
          return new PositionRecord(
              r.id(),
              r.exchange(),
              r.symbol(),
              r.side(),
              r.quantity(),
              r.entryPrice(),
              PositionStatus.CLOSED,
              r.exchangeOrderId(),
              r.entryClientOrderId(),
              r.signalId(),
              r.stopClientId(),
              r.stopPrice(),
              close.exitPrice(),
              close.realizedPnl(),
              Optional.of(close.reason()),
              r.note(),
              r.openedAt(),
              event.time(),
              Optional.of(close.closedAt()));
        });
  }

  @Override
  public void markRolledBack(long id, String reason, AuditRecord event) {
    Objects.requireNonNull(reason, "reason");
    change(
        Op.MARK_ROLLED_BACK,
        id,
        event,
        r ->
            copy(
                r,
                r.side(),
                r.quantity(),
                r.entryPrice(),
                PositionStatus.ROLLED_BACK,
                r.stopClientId(),
                r.stopPrice(),
                Optional.of(event.time()),
                Optional.of(reason),
                event.time()));
  }

  private void change(Op op, long id, AuditRecord event, UnaryOperator<PositionRecord> update) {
    Objects.requireNonNull(event, "event");
    PortExceptionHolder.run(
        faults,
        op,
        () ->
            fenced(
                () -> {
                  changeNow(op, id, event, update);
                  return null;
                }));
  }

  private void changeNow(Op op, long id, AuditRecord event, UnaryOperator<PositionRecord> update) {
    synchronized (table) {
      PositionRecord row = mine(id);
      if (row == null) {
        throw new RejectedException(
            "NOT_FOUND", "no position with id " + id + " in account " + account);
      }
      if (!row.status().isOpen()) {
        throw new RejectedException(
            "ILLEGAL_TRANSITION",
            "position " + id + " is " + row.status() + "; " + op + " refused");
      }
      if (event.positionId().isPresent() && event.positionId().getAsLong() != id) {
        throw new IllegalArgumentException(
            "event is about position " + event.positionId().getAsLong() + ", not " + id);
      }
      PositionRecord updated = update.apply(row);
      put(id, updated);
      if (!updated.status().isOpen()) {
        table.openBySymbol.remove(openKey(updated.exchange(), updated.symbol()), id);
      }
      journal.storeAll(List.of(event.withPositionId(id)));
      writes.add(new Write(op, id));
    }
  }

  private static PositionRecord copy(
      PositionRecord r,
      PositionSide side,
      BigDecimal quantity,
      BigDecimal entry,
      PositionStatus status,
      Optional<ClientOrderId> stopClientId,
      Optional<BigDecimal> stopPrice,
      Optional<Instant> closedAt,
      Optional<String> note,
      Instant updatedAt) {
    return new PositionRecord(
        r.id(),
        r.exchange(),
        r.symbol(),
        side,
        quantity,
        entry,
        status,
        r.exchangeOrderId(),
        r.entryClientOrderId(),
        r.signalId(),
        stopClientId,
        stopPrice,
        r.exitPrice(),
        r.realizedPnl(),
        r.closeReason(),
        note,
        r.openedAt(),
        updatedAt,
        closedAt.isPresent() ? closedAt : r.closedAt());
  }

  /** The row with that id, of any account, without fault knobs (for the other fakes' checks). */
  Optional<PositionRecord> row(long id) {
    synchronized (table) {
      return Optional.ofNullable(table.rows.get(id));
    }
  }

  /** The account of the row with that id, of any account (for the other fakes' checks). */
  Optional<AccountId> accountOf(long id) {
    synchronized (table) {
      return Optional.ofNullable(table.accountOf.get(id));
    }
  }

  /** Every row of this store's account, whatever its status. */
  public List<PositionRecord> all() {
    synchronized (table) {
      return mine(table.rows).toList();
    }
  }

  /** Every successful write of this store, in order. */
  public List<Write> writes() {
    synchronized (table) {
      return List.copyOf(writes);
    }
  }
}
