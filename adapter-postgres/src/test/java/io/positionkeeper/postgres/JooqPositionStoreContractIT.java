package io.positionkeeper.postgres;

import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.contract.PositionStoreContract;
import io.positionkeeper.ports.model.AuditRecord;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

class JooqPositionStoreContractIT extends PositionStoreContract {
  private final JooqPositionStore store = new JooqPositionStore(TestDatabase.pool());

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  @Override
  protected PositionStore store() {
    return store;
  }

  @Override
  protected List<AuditRecord> storedEvents(long positionId) {
    return TestDatabase.eventsOf(positionId);
  }
}
