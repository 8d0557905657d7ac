package io.positionkeeper.domain.position;

import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionStatus;
import java.util.List;
import java.util.Objects;

/**
 * Puts the stored open positions in the book at startup: the first step, before any exchange call.
 */
public final class PositionLoader {
  private PositionLoader() {}

  /** Loads every open row into the book and returns the rows. */
  public static List<PositionRecord> load(PositionStore store, PositionBook book) {
    Objects.requireNonNull(book, "book");
    List<PositionRecord> open = store.loadOpen();
    for (PositionRecord r : open) {
      book.load(
          Position.active(
              r.id(),
              new PositionKey(r.exchange(), r.symbol()),
              r.side(),
              r.quantity(),
              r.entryPrice(),
              correlationOf(r),
              r.stopClientId(),
              r.status() == PositionStatus.CLOSING ? Phase.CLOSING : Phase.ACTIVE,
              r.openedAt()));
    }
    return open;
  }

  /** The correlation key of a row: its entry order id, or one derived from its id when adopted. */
  public static ClientOrderId correlationOf(PositionRecord r) {
    return r.entryClientOrderId().orElseGet(() -> ClientOrderId.of("pka-" + r.id()));
  }
}
