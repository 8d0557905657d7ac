package io.positionkeeper.domain.sim;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.FaultKnobs;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Exceptions outside the ports' taxonomy, as a driver or a parser bug throws them: the next call of
 * an operation of the venue or the store throws an {@link IllegalStateException}, either before the
 * request goes out (a bug building it: nothing happens) or after the venue or the database acted (a
 * bug reading the answer: the order landed, the row was written). Nothing in the keeper may take
 * such an exception for "nothing happened".
 */
final class UnexpectedFaults {

  /** The exception this class throws, so a history can tell it from the keeper's own. */
  static final class SimulatedBug extends IllegalStateException {
    SimulatedBug(String message) {
      super(message);
    }
  }

  private final Map<FakeExchange.Op, FaultKnobs.When> venue = new EnumMap<>(FakeExchange.Op.class);
  private final Map<InMemoryPositionStore.Op, FaultKnobs.When> store =
      new EnumMap<>(InMemoryPositionStore.Op.class);

  /** The next call of the venue's {@code op} throws, before or after its effect. */
  void armVenue(FakeExchange.Op op, FaultKnobs.When when) {
    venue.put(op, when);
  }

  /** The next call of the store's {@code op} throws, before or after its effect. */
  void armStore(InMemoryPositionStore.Op op, FaultKnobs.When when) {
    store.put(op, when);
  }

  ExchangeGateway gateway(ExchangeGateway real) {
    return new Gateway(real);
  }

  PositionStore store(PositionStore real) {
    return new Store(real);
  }

  private static <T> T strike(Object op, FaultKnobs.When when, Supplier<T> call) {
    if (when == null) {
      return call.get();
    }
    if (when == FaultKnobs.When.AFTER_EFFECT) {
      call.get();
      throw new SimulatedBug("simulated bug reading the answer of " + op);
    }
    throw new SimulatedBug("simulated bug building the request of " + op);
  }

  private <T> T onVenue(FakeExchange.Op op, Supplier<T> call) {
    return strike(op, venue.remove(op), call);
  }

  private <T> T onStore(InMemoryPositionStore.Op op, Supplier<T> call) {
    return strike(op, store.remove(op), call);
  }

  private void storeRun(InMemoryPositionStore.Op op, Runnable call) {
    onStore(
        op,
        () -> {
          call.run();
          return null;
        });
  }

  private final class Gateway extends ForwardingGateway {
    Gateway(ExchangeGateway real) {
      super(real);
    }

    @Override
    public OrderReport placeMarketOrder(MarketOrderRequest request) {
      return onVenue(FakeExchange.Op.PLACE_ORDER, () -> venue().placeMarketOrder(request));
    }

    @Override
    public Optional<OrderReport> queryOrder(Symbol symbol, ClientOrderId clientOrderId) {
      return onVenue(FakeExchange.Op.QUERY_ORDER, () -> venue().queryOrder(symbol, clientOrderId));
    }

    @Override
    public StopOrder placeStopLoss(StopLossRequest request) {
      return onVenue(FakeExchange.Op.PLACE_STOP, () -> venue().placeStopLoss(request));
    }

    @Override
    public StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement) {
      return onVenue(FakeExchange.Op.MOVE_STOP, () -> venue().moveStopLoss(current, replacement));
    }

    @Override
    public void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId) {
      onVenue(
          FakeExchange.Op.CANCEL_STOP,
          () -> {
            venue().cancelStopLoss(symbol, stopClientId);
            return null;
          });
    }

    @Override
    public List<StopOrder> openStopLosses(Symbol symbol) {
      return onVenue(FakeExchange.Op.OPEN_STOPS, () -> venue().openStopLosses(symbol));
    }

    @Override
    public PositionSnapshot positions() {
      return onVenue(FakeExchange.Op.POSITIONS, () -> venue().positions());
    }

    @Override
    public Optional<PositionExit> exitSince(Symbol symbol, PositionSide side, Instant since) {
      return onVenue(FakeExchange.Op.EXIT_SINCE, () -> venue().exitSince(symbol, side, since));
    }
  }

  private final class Store implements PositionStore {
    private final PositionStore real;

    Store(PositionStore real) {
      this.real = real;
    }

    @Override
    public long insert(NewPosition position, AuditRecord created) {
      return onStore(InMemoryPositionStore.Op.INSERT, () -> real.insert(position, created));
    }

    @Override
    public Optional<PositionRecord> find(long id) {
      return onStore(InMemoryPositionStore.Op.FIND, () -> real.find(id));
    }

    @Override
    public Optional<PositionRecord> findByEntryOrder(ClientOrderId entryClientOrderId) {
      return onStore(
          InMemoryPositionStore.Op.FIND_BY_ENTRY_ORDER,
          () -> real.findByEntryOrder(entryClientOrderId));
    }

    @Override
    public List<PositionRecord> loadOpen() {
      return onStore(InMemoryPositionStore.Op.LOAD_OPEN, real::loadOpen);
    }

    @Override
    public void updatePosition(
        long id, PositionSide side, BigDecimal quantity, BigDecimal entryPrice, AuditRecord event) {
      storeRun(
          InMemoryPositionStore.Op.UPDATE_POSITION,
          () -> real.updatePosition(id, side, quantity, entryPrice, event));
    }

    @Override
    public void recordStop(
        long id, ClientOrderId stopClientId, BigDecimal stopPrice, AuditRecord event) {
      storeRun(
          InMemoryPositionStore.Op.RECORD_STOP,
          () -> real.recordStop(id, stopClientId, stopPrice, event));
    }

    @Override
    public void markClosing(long id, AuditRecord event) {
      storeRun(InMemoryPositionStore.Op.MARK_CLOSING, () -> real.markClosing(id, event));
    }

    @Override
    public void close(long id, PositionClose close, AuditRecord event) {
      storeRun(InMemoryPositionStore.Op.CLOSE, () -> real.close(id, close, event));
    }

    @Override
    public void markRolledBack(long id, String reason, AuditRecord event) {
      storeRun(
          InMemoryPositionStore.Op.MARK_ROLLED_BACK, () -> real.markRolledBack(id, reason, event));
    }
  }
}
