package io.positionkeeper.domain.tracking;

import io.positionkeeper.domain.position.ExitOrders;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.ports.model.ClientOrderId;

/**
 * The orders whose fills end a position: its own close orders (the closer's, the rollback's) and
 * its own stops (the one the book names, any the opener, a trailing move or reconciliation made for
 * it). A close by hand or a liquidation has no id of ours; its exit comes from the venue's trade
 * history once the venue is flat.
 */
public final class OwnExits implements ExitOrders {

  @Override
  public boolean ends(Position position, ClientOrderId orderId) {
    if (position.stopId().equals(java.util.Optional.of(orderId))
        || ClientIds.isCloseOf(position.entryOrderId(), orderId)) {
      return true;
    }
    return switch (position) {
      case Position.Stored stored -> PositionCloser.isStopOf(stored, orderId);
      case Position.Pending pending -> ClientIds.isEntryStopOf(pending.entryOrderId(), orderId);
    };
  }
}
