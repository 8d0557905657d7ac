package io.positionkeeper.postgres;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.contract.LeaseFencingContract;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.Signal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;

/**
 * Lease fencing on the embedded PostgreSQL: the lease runs on the database's clock, so letting it
 * expire is waiting (a few hundred milliseconds).
 */
class JooqLeaseFencingContractIT extends LeaseFencingContract {
  private final JooqAccountLease leases = new JooqAccountLease(TestDatabase.pool());

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  @Override
  protected AccountLease leases() {
    return leases;
  }

  @Override
  protected AccountId freshAccount() {
    return AccountId.of("acct-" + UUID.randomUUID());
  }

  @Override
  protected void pass(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected PositionStore positions(Lease lease) {
    return new JooqPositionStore(TestDatabase.pool(), lease);
  }

  @Override
  protected TrailingStopStore trailing(Lease lease) {
    return new JooqTrailingStopStore(TestDatabase.pool(), lease);
  }

  @Override
  protected SignalSource signals(Lease lease) {
    return new JooqSignalSource(TestDatabase.pool(), lease.holder(), lease);
  }

  @Override
  protected void addSignal(AccountId account, Signal signal) {
    Signals.insert(account, signal);
  }

  @Override
  protected AuditJournal journal(Lease lease) {
    return new JooqAuditJournal(TestDatabase.pool(), lease);
  }

  @Override
  protected List<AuditRecord> storedRecords(AccountId account) {
    return TestDatabase.eventsOf(account);
  }
}
