package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.contract.AccountScopeContract;
import io.positionkeeper.ports.contract.LeaseFencingContract;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.Signal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;

/** The account and lease contracts, run against the in-memory fakes (one shared "database"). */
class InMemoryAccountContractTest {

  /** One in-memory database: every store is a view of these. */
  static final class Db {
    final InMemoryAuditJournal journal = new InMemoryAuditJournal();
    final InMemoryPositionStore positions = new InMemoryPositionStore(journal);
    final InMemoryTrailingStopStore trailing = new InMemoryTrailingStopStore(positions);
    final InMemorySignalSource signals = new InMemorySignalSource();
  }

  @Nested
  class AccountScopeTest extends AccountScopeContract {
    private final Db db = new Db();

    @Override
    protected PositionStore positions(AccountId account) {
      return db.positions.forAccount(account);
    }

    @Override
    protected TrailingStopStore trailing(AccountId account) {
      return db.trailing.forAccount(account);
    }

    @Override
    protected SignalSource signals(AccountId account) {
      return db.signals.forAccount(account);
    }

    @Override
    protected void addSignal(AccountId account, Signal signal) {
      db.signals.forAccount(account).add(signal);
    }

    @Override
    protected AuditJournal journal(AccountId account) {
      return db.journal.forAccount(account);
    }

    @Override
    protected List<AuditRecord> storedRecords(AccountId account) {
      return db.journal.forAccount(account).records();
    }
  }

  @Nested
  class LeaseFencingTest extends LeaseFencingContract {
    private final Db db = new Db();
    private final ManualClock clock = ManualClock.atDefaultStart();
    private final InMemoryAccountLease leases = new InMemoryAccountLease(clock);
    private final AtomicLong accounts = new AtomicLong();

    @Override
    protected AccountLease leases() {
      return leases;
    }

    @Override
    protected AccountId freshAccount() {
      return AccountId.of("acct-" + accounts.incrementAndGet());
    }

    @Override
    protected void pass(Duration d) {
      clock.advance(d);
    }

    @Override
    protected PositionStore positions(Lease lease) {
      return db.positions.fencedBy(lease, leases);
    }

    @Override
    protected TrailingStopStore trailing(Lease lease) {
      return db.trailing.fencedBy(lease, leases);
    }

    @Override
    protected SignalSource signals(Lease lease) {
      return db.signals.fencedBy(lease, leases);
    }

    @Override
    protected void addSignal(AccountId account, Signal signal) {
      db.signals.forAccount(account).add(signal);
    }

    @Override
    protected AuditJournal journal(Lease lease) {
      return db.journal.fencedBy(lease, leases);
    }

    @Override
    protected List<AuditRecord> storedRecords(AccountId account) {
      return db.journal.forAccount(account).records();
    }
  }
}
