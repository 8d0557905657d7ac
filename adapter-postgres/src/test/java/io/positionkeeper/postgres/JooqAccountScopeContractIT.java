package io.positionkeeper.postgres;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.contract.AccountScopeContract;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Signal;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/** Two accounts on one embedded PostgreSQL. */
class JooqAccountScopeContractIT extends AccountScopeContract {

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  @Override
  protected PositionStore positions(AccountId account) {
    return new JooqPositionStore(TestDatabase.pool(), account);
  }

  @Override
  protected TrailingStopStore trailing(AccountId account) {
    return new JooqTrailingStopStore(TestDatabase.pool(), account);
  }

  @Override
  protected SignalSource signals(AccountId account) {
    return new JooqSignalSource(TestDatabase.pool(), "runner-of-" + account, account);
  }

  @Override
  protected void addSignal(AccountId account, Signal signal) {
    Signals.insert(account, signal);
  }

  @Override
  protected AuditJournal journal(AccountId account) {
    return new JooqAuditJournal(TestDatabase.pool(), account);
  }

  @Override
  protected List<AuditRecord> storedRecords(AccountId account) {
    return TestDatabase.eventsOf(account);
  }
}
