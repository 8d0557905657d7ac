package io.positionkeeper.postgres;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.contract.AuditJournalContract;
import io.positionkeeper.ports.model.AuditRecord;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/** The journal contract, for each write method. */
class JooqAuditJournalContractIT {

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  @Nested
  class Copy extends AuditJournalContract {
    private final JooqAuditJournal journal =
        new JooqAuditJournal(TestDatabase.pool(), JournalWriteMethod.COPY);

    @Override
    protected AuditJournal journal() {
      return journal;
    }

    @Override
    protected List<AuditRecord> storedRecords() {
      return TestDatabase.events();
    }
  }

  @Nested
  class Batch extends AuditJournalContract {
    private final JooqAuditJournal journal =
        new JooqAuditJournal(TestDatabase.pool(), JournalWriteMethod.BATCH);

    @Override
    protected AuditJournal journal() {
      return journal;
    }

    @Override
    protected List<AuditRecord> storedRecords() {
      return TestDatabase.events();
    }
  }
}
