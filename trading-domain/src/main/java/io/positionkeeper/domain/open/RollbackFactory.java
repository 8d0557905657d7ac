package io.positionkeeper.domain.open;

import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.domain.venue.StopPlacement;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.PositionStore;

/**
 * How an opener builds the rollback of its failed openings from its own parts. The keeper uses
 * {@link #STANDARD}; only code of this package can make another (a test that puts an old rollback
 * back to show that the simulator catches it), since the rollback's type is this package's own.
 */
@FunctionalInterface
public interface RollbackFactory {
  RollbackFactory STANDARD = OpenRollback::new;

  OpenRollback create(
      PositionStore store,
      PositionBook book,
      AuditTrail audit,
      TrailingStops trailing,
      PositionCloser closer,
      StopPlacement stops,
      Clock clock,
      OpenPolicy policy);
}
