package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.contract.AuditJournalContract;
import io.positionkeeper.ports.contract.ContractData;
import io.positionkeeper.ports.contract.DeadLetterStoreContract;
import io.positionkeeper.ports.contract.PositionStoreContract;
import io.positionkeeper.ports.contract.SignalSourceContract;
import io.positionkeeper.ports.contract.StoredDeadLetter;
import io.positionkeeper.ports.contract.TrailingStopStoreContract;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** The store contracts, run against the in-memory fakes. */
class InMemoryStoresContractTest {

  @Nested
  class PositionStoreTest extends PositionStoreContract {
    private final InMemoryAuditJournal journal = new InMemoryAuditJournal();
    private final InMemoryPositionStore store = new InMemoryPositionStore(journal);

    @Override
    protected PositionStore store() {
      return store;
    }

    @Override
    protected List<AuditRecord> storedEvents(long positionId) {
      return journal.recordsOf(positionId);
    }
  }

  @Nested
  class TrailingStopStoreTest extends TrailingStopStoreContract {
    private final InMemoryPositionStore positions =
        new InMemoryPositionStore(new InMemoryAuditJournal());
    private final InMemoryTrailingStopStore store = new InMemoryTrailingStopStore(positions);

    @Override
    protected TrailingStopStore store() {
      return store;
    }

    @Override
    protected long createPosition(Symbol symbol, PositionSide side) {
      return positions.insert(
          ContractData.newPosition(symbol, side), ContractData.event("POSITION_CREATED"));
    }

    @Override
    protected void closePosition(long id) {
      positions.close(
          id,
          new PositionClose(BigDecimal.ONE, BigDecimal.ZERO, CloseReason.MANUAL, ContractData.T0),
          ContractData.event("POSITION_CLOSED"));
    }
  }

  @Nested
  class AuditJournalTest extends AuditJournalContract {
    private final InMemoryAuditJournal journal = new InMemoryAuditJournal();

    @Override
    protected AuditJournal journal() {
      return journal;
    }

    @Override
    protected List<AuditRecord> storedRecords() {
      return journal.records();
    }
  }

  @Nested
  class DeadLetterStoreTest extends DeadLetterStoreContract {
    private final InMemoryDeadLetterStore store = new InMemoryDeadLetterStore();

    @Override
    protected DeadLetterStore store() {
      return store;
    }

    @Override
    protected List<StoredDeadLetter> storedDeadLetters() {
      return store.letters().stream()
          .map(l -> new StoredDeadLetter(l.record().eventId(), l.reason()))
          .toList();
    }
  }

  @Nested
  class SignalSourceTest extends SignalSourceContract {
    private final InMemorySignalSource source = new InMemorySignalSource();

    @Override
    protected SignalSource source() {
      return source;
    }

    @Override
    protected void add(Signal signal) {
      source.add(signal);
    }
  }

  @Nested
  class AccountLeaseTest extends io.positionkeeper.ports.contract.AccountLeaseContract {
    private final ManualClock clock = ManualClock.atDefaultStart();
    private final InMemoryAccountLease leases = new InMemoryAccountLease(clock);
    private final java.util.concurrent.atomic.AtomicLong accounts =
        new java.util.concurrent.atomic.AtomicLong();

    @Override
    protected io.positionkeeper.ports.AccountLease leases() {
      return leases;
    }

    @Override
    protected io.positionkeeper.ports.model.AccountId freshAccount() {
      return io.positionkeeper.ports.model.AccountId.of("acct-" + accounts.incrementAndGet());
    }

    @Override
    protected void pass(java.time.Duration d) {
      clock.advance(d);
    }
  }
}
