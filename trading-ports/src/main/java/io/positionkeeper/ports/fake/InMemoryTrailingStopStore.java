package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Trailing-stop states in memory, keyed by position id. Made with the {@link InMemoryPositionStore}
 * the states belong to, it refuses what the database refuses: a state of no stored position, of a
 * position no longer open, or of another symbol or side than its position's.
 *
 * <p>A store is bound to an account (its position store's, or {@link AccountId#DEFAULT}); the
 * stores made from one another with {@link #forAccount} and {@link #fencedBy} share one table, and
 * each loads and changes its own account's states only; a state of another account's position is
 * refused as the database's trigger refuses it. A store fenced by a lease writes only while the
 * lease is current.
 */
public final class InMemoryTrailingStopStore implements TrailingStopStore {

  /** The operations the fault knobs address. */
  public enum Op {
    SAVE,
    LOAD_ALL,
    DELETE
  }

  /** The states of every account, as one database table holds them. */
  private static final class Table {
    final Map<Long, TrailingStopState> states = new TreeMap<>();
    final Map<Long, AccountId> accountOf = new HashMap<>();
  }

  private final FaultKnobs<Op> faults = new FaultKnobs<>(Op.class);
  private final InMemoryPositionStore positions;
  private final Table table;
  private final AccountId account;
  private final Lease lease;
  private final InMemoryAccountLease leases;
  private int saves;
  private int deletes;

  /**
   * A store of the {@link AccountId#DEFAULT} account that checks nothing against positions (for
   * tests that have none).
   */
  public InMemoryTrailingStopStore() {
    this(null, new Table(), AccountId.DEFAULT, null, null);
  }

  /**
   * A store of the account of {@code positions}, whose states must belong to open positions of that
   * store, as in the database.
   */
  public InMemoryTrailingStopStore(InMemoryPositionStore positions) {
    this(
        java.util.Objects.requireNonNull(positions, "positions"),
        new Table(),
        positions.account(),
        null,
        null);
  }

  private InMemoryTrailingStopStore(
      InMemoryPositionStore positions,
      Table table,
      AccountId account,
      Lease lease,
      InMemoryAccountLease leases) {
    this.positions = positions;
    this.table = table;
    this.account = account;
    this.lease = lease;
    this.leases = leases;
  }

  /** A store of {@code account} on this store's table (and its position store's), unfenced. */
  public InMemoryTrailingStopStore forAccount(AccountId account) {
    java.util.Objects.requireNonNull(account, "account");
    return new InMemoryTrailingStopStore(
        positions == null ? null : positions.forAccount(account), table, account, null, null);
  }

  /** A store of the lease's account on this store's table, every write fenced by the lease. */
  public InMemoryTrailingStopStore fencedBy(Lease lease, InMemoryAccountLease leases) {
    java.util.Objects.requireNonNull(lease, "lease");
    java.util.Objects.requireNonNull(leases, "leases");
    return new InMemoryTrailingStopStore(
        positions == null ? null : positions.forAccount(lease.account()),
        table,
        lease.account(),
        lease,
        leases);
  }

  private <T> T fenced(Supplier<T> write) {
    return lease == null ? write.get() : leases.whileCurrent(lease, write);
  }

  public FaultKnobs<Op> faults() {
    return faults;
  }

  @Override
  public void save(TrailingStopState state) {
    PortExceptionHolder.run(
        faults,
        Op.SAVE,
        () ->
            fenced(
                () -> {
                  synchronized (table) {
                    checkAgainstPosition(state);
                    AccountId owner = table.accountOf.get(state.positionId());
                    if (owner != null && !owner.equals(account)) {
                      throw new RejectedException(
                          "trailing_stop_state_matches_position",
                          "the trailing stop of position "
                              + state.positionId()
                              + " belongs to account "
                              + owner
                              + ", not "
                              + account);
                    }
                    table.states.put(state.positionId(), state);
                    table.accountOf.put(state.positionId(), account);
                    saves++;
                    return null;
                  }
                }));
  }

  @Override
  public List<TrailingStopState> loadAll() {
    return PortExceptionHolder.call(
        faults,
        Op.LOAD_ALL,
        () -> {
          synchronized (table) {
            return table.states.values().stream()
                .filter(st -> account.equals(table.accountOf.get(st.positionId())))
                .toList();
          }
        });
  }

  @Override
  public void delete(long positionId) {
    PortExceptionHolder.run(
        faults,
        Op.DELETE,
        () ->
            fenced(
                () -> {
                  synchronized (table) {
                    if (account.equals(table.accountOf.get(positionId))) {
                      table.states.remove(positionId);
                      table.accountOf.remove(positionId);
                      deletes++;
                    }
                    return null;
                  }
                }));
  }

  private void checkAgainstPosition(TrailingStopState state) {
    if (positions == null) {
      return;
    }
    PositionRecord p =
        positions
            .row(state.positionId())
            .orElseThrow(
                () ->
                    new RejectedException(
                        "trailing_stop_state_position_id_fkey",
                        "no position with id " + state.positionId()));
    if (!positions.accountOf(p.id()).orElseThrow().equals(account)) {
      throw new RejectedException(
          "trailing_stop_state_matches_position",
          "position " + p.id() + " belongs to another account than " + account);
    }
    if (p.status() != PositionStatus.ACTIVE && p.status() != PositionStatus.CLOSING) {
      throw new RejectedException(
          "trailing_stop_state_position_open",
          "position " + p.id() + " is " + p.status() + "; a trailing stop is kept for open ones");
    }
    if (!p.symbol().equals(state.symbol()) || p.side() != state.side()) {
      throw new RejectedException(
          "trailing_stop_state_matches_position",
          "trailing stop ("
              + state.symbol()
              + " "
              + state.side()
              + ") does not match position "
              + p.id()
              + " ("
              + p.symbol()
              + " "
              + p.side()
              + ")");
    }
  }

  /** The stored state of a position of this store's account. */
  public Optional<TrailingStopState> find(long positionId) {
    synchronized (table) {
      return account.equals(table.accountOf.get(positionId))
          ? Optional.ofNullable(table.states.get(positionId))
          : Optional.empty();
    }
  }

  /** How many saves succeeded. */
  public int saveCount() {
    synchronized (table) {
      return saves;
    }
  }

  /** How many states were actually removed. */
  public int deleteCount() {
    synchronized (table) {
      return deletes;
    }
  }
}
