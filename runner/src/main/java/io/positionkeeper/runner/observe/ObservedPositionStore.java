package io.positionkeeper.runner.observe;

import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The position store, telling the observer of each change's audit record once it is stored, and of
 * the database failing. Every call and its outcome, the exception included, is the delegate's.
 */
public final class ObservedPositionStore implements PositionStore {
  private final PositionStore delegate;
  private final KeeperObserver observer;

  public ObservedPositionStore(PositionStore delegate, KeeperObserver observer) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public long insert(NewPosition position, AuditRecord created) {
    long id = watch("position insert", () -> delegate.insert(position, created));
    observer.onRecord(withId(created, id));
    return id;
  }

  @Override
  public Optional<PositionRecord> find(long id) {
    return watch("position find", () -> delegate.find(id));
  }

  @Override
  public Optional<PositionRecord> findByEntryOrder(ClientOrderId entryClientOrderId) {
    return watch("position find", () -> delegate.findByEntryOrder(entryClientOrderId));
  }

  @Override
  public List<PositionRecord> loadOpen() {
    return watch("position load", delegate::loadOpen);
  }

  @Override
  public void updatePosition(
      long id, PositionSide side, BigDecimal quantity, BigDecimal entryPrice, AuditRecord event) {
    change(
        "position update",
        event,
        () -> delegate.updatePosition(id, side, quantity, entryPrice, event));
  }

  @Override
  public void recordStop(
      long id, ClientOrderId stopClientId, BigDecimal stopPrice, AuditRecord event) {
    change("stop record", event, () -> delegate.recordStop(id, stopClientId, stopPrice, event));
  }

  @Override
  public void markClosing(long id, AuditRecord event) {
    change("position closing", event, () -> delegate.markClosing(id, event));
  }

  @Override
  public void close(long id, PositionClose close, AuditRecord event) {
    change("position close", event, () -> delegate.close(id, close, event));
  }

  @Override
  public void markRolledBack(long id, String reason, AuditRecord event) {
    change("position rollback", event, () -> delegate.markRolledBack(id, reason, event));
  }

  private void change(String operation, AuditRecord event, Runnable call) {
    watch(
        operation,
        () -> {
          call.run();
          return null;
        });
    observer.onRecord(event);
  }

  private <T> T watch(String operation, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (PersistenceException e) {
      observer.onDatabaseFailure(operation, e);
      throw e;
    }
    observer.onDatabaseAnswered(operation);
    return result;
  }

  /** The creation record as stored: with the new row's id. */
  private static AuditRecord withId(AuditRecord r, long id) {
    return new AuditRecord(
        r.eventId(),
        r.time(),
        r.exchange(),
        r.symbol(),
        OptionalLong.of(id),
        r.correlationKey(),
        r.type(),
        r.severity(),
        r.payload());
  }
}
