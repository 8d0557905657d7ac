package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.contract.AuditJournalContract;
import io.positionkeeper.ports.contract.DeadLetterStoreContract;
import io.positionkeeper.ports.contract.PositionStoreContract;
import io.positionkeeper.ports.contract.SignalSourceContract;
import io.positionkeeper.ports.contract.StoredDeadLetter;
import io.positionkeeper.ports.contract.TrailingStopStoreContract;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.Symbol;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
    private final InMemoryTrailingStopStore store = new InMemoryTrailingStopStore();
    private final AtomicLong ids = new AtomicLong();

    @Override
    protected TrailingStopStore store() {
      return store;
    }

    @Override
    protected long createPosition(Symbol symbol, PositionSide side) {
      return ids.incrementAndGet();
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
}
