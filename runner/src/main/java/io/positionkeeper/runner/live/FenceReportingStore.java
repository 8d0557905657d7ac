package io.positionkeeper.runner.live;

import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.StaleLeaseException;
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
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The live runner's position store: a write the database fenced out (another runner took the
 * account, {@link StaleLeaseException}) declares the lease lost at once, before the refusal goes
 * back to the keeper. The keeper answers a failed write in the middle of an opening by rolling back
 * (closing the fill at market); with the loss declared first, the venue's lease check refuses that
 * close too, and the position is the successor's to adopt and protect, not this runner's to close.
 */
final class FenceReportingStore implements PositionStore {
  private final PositionStore store;
  private final Consumer<StaleLeaseException> fencedOut;

  FenceReportingStore(PositionStore store, Consumer<StaleLeaseException> fencedOut) {
    this.store = Objects.requireNonNull(store, "store");
    this.fencedOut = Objects.requireNonNull(fencedOut, "fencedOut");
  }

  private <T> T write(Supplier<T> call) {
    try {
      return call.get();
    } catch (StaleLeaseException e) {
      fencedOut.accept(e);
      throw e;
    }
  }

  private void write(Runnable call) {
    write(
        () -> {
          call.run();
          return null;
        });
  }

  @Override
  public long insert(NewPosition position, AuditRecord created) {
    return write(() -> store.insert(position, created));
  }

  @Override
  public Optional<PositionRecord> find(long id) {
    return store.find(id);
  }

  @Override
  public Optional<PositionRecord> findByEntryOrder(ClientOrderId entryClientOrderId) {
    return store.findByEntryOrder(entryClientOrderId);
  }

  @Override
  public List<PositionRecord> loadOpen() {
    return store.loadOpen();
  }

  @Override
  public void updatePosition(
      long id, PositionSide side, BigDecimal quantity, BigDecimal entryPrice, AuditRecord event) {
    write(() -> store.updatePosition(id, side, quantity, entryPrice, event));
  }

  @Override
  public void recordStop(
      long id, ClientOrderId stopClientId, BigDecimal stopPrice, AuditRecord event) {
    write(() -> store.recordStop(id, stopClientId, stopPrice, event));
  }

  @Override
  public void markClosing(long id, AuditRecord event) {
    write(() -> store.markClosing(id, event));
  }

  @Override
  public void close(long id, PositionClose close, AuditRecord event) {
    write(() -> store.close(id, close, event));
  }

  @Override
  public void markRolledBack(long id, String reason, AuditRecord event) {
    write(() -> store.markRolledBack(id, reason, event));
  }
}
