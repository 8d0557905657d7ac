package io.positionkeeper.ports;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The stored positions. Ids are database ids ({@code long > 0}): a position that has no row cannot
 * be named here. Every change takes the audit event that describes it and writes both in one
 * transaction, so a crash can never keep one without the other. Changing a position that does not
 * exist, or in a way its status forbids, is a {@link RejectedException}. A connection lost while
 * committing is an {@link OutcomeUnknownException}: the change may or may not be stored.
 *
 * <p>A store instance is bound to one account (how is the implementation's business): it sees and
 * changes that account's positions only, and one bound to a lease refuses every change with {@link
 * StaleLeaseException} once the lease is no longer the account's current one.
 */
public interface PositionStore {

  /**
   * Inserts an active position and its creation event, and returns the new id. The event must carry
   * no position id; it is stored with the new one. At most one open position per exchange and
   * symbol: a second is a {@link RejectedException}.
   */
  long insert(NewPosition position, AuditRecord created);

  /** The position with that id. */
  Optional<PositionRecord> find(long id);

  /**
   * The position whose entry order has that client order id, whatever its status (the newest row if
   * several carry it): an insert whose commit outcome is unknown is resolved by reading it back
   * with this, never by inserting again.
   */
  Optional<PositionRecord> findByEntryOrder(ClientOrderId entryClientOrderId);

  /** Every position whose status is open (active or closing). */
  List<PositionRecord> loadOpen();

  /** Sets side, quantity and entry price (fills, or the exchange's view on reconciliation). */
  void updatePosition(
      long id, PositionSide side, BigDecimal quantity, BigDecimal entryPrice, AuditRecord event);

  /** Records the stop-loss now working on the exchange for this position. */
  void recordStop(long id, ClientOrderId stopClientId, BigDecimal stopPrice, AuditRecord event);

  /** Marks an open position as closing (a close order is on its way); repeating it is allowed. */
  void markClosing(long id, AuditRecord event);

  /** Closes an open position. */
  void close(long id, PositionClose close, AuditRecord event);

  /** Marks an open position as rolled back (its opening failed and was undone), with the reason. */
  void markRolledBack(long id, String reason, AuditRecord event);
}
