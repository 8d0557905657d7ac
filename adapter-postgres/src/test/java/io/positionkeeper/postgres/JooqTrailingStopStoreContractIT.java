package io.positionkeeper.postgres;

import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.contract.ContractData;
import io.positionkeeper.ports.contract.TrailingStopStoreContract;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import org.junit.jupiter.api.BeforeEach;

class JooqTrailingStopStoreContractIT extends TrailingStopStoreContract {
  private final JooqTrailingStopStore store = new JooqTrailingStopStore(TestDatabase.pool());
  private final JooqPositionStore positions = new JooqPositionStore(TestDatabase.pool());

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

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
