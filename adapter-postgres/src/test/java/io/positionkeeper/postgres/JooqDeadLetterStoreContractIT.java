package io.positionkeeper.postgres;

import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.contract.DeadLetterStoreContract;
import io.positionkeeper.ports.contract.StoredDeadLetter;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

class JooqDeadLetterStoreContractIT extends DeadLetterStoreContract {
  private final JooqDeadLetterStore store = new JooqDeadLetterStore(TestDatabase.pool());

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  @Override
  protected DeadLetterStore store() {
    return store;
  }

  @Override
  protected List<StoredDeadLetter> storedDeadLetters() {
    return TestDatabase.deadLetters().stream()
        .map(e -> new StoredDeadLetter(e.getKey(), e.getValue()))
        .toList();
  }
}
