package io.positionkeeper.runner.commands;

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

/** The stored positions, readable only: every change throws before it reaches the database. */
final class ReadOnlyStore implements PositionStore {
  private final PositionStore store;

  ReadOnlyStore(PositionStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  private static IllegalStateException refused(String what) {
    return new IllegalStateException("dry run: " + what + " refused, the database is not changed");
  }

  @Override
  public long insert(NewPosition position, AuditRecord created) {
    throw refused("inserting a position");
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
    throw refused("updating a position");
  }

  @Override
  public void recordStop(
      long id, ClientOrderId stopClientId, BigDecimal stopPrice, AuditRecord event) {
    throw refused("recording a stop");
  }

  @Override
  public void markClosing(long id, AuditRecord event) {
    throw refused("marking a position closing");
  }

  @Override
  public void close(long id, PositionClose close, AuditRecord event) {
    throw refused("closing a position");
  }

  @Override
  public void markRolledBack(long id, String reason, AuditRecord event) {
    throw refused("rolling a position back");
  }
}
