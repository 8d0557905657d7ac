package io.positionkeeper.postgres;

import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.contract.SignalSourceContract;
import io.positionkeeper.ports.model.Signal;
import org.junit.jupiter.api.BeforeEach;

class JooqSignalSourceContractIT extends SignalSourceContract {
  private final JooqSignalSource source = new JooqSignalSource(TestDatabase.pool(), "runner-a");

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  @Override
  protected SignalSource source() {
    return source;
  }

  @Override
  protected void add(Signal signal) {
    Signals.insert(signal);
  }
}
