package io.positionkeeper.domain.reconcile;

import io.positionkeeper.domain.position.Position;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one reconciliation decides on, read in this order: the stored open rows, then the
 * exchange's complete snapshot (and, when a row is absent from it, a second complete snapshot to
 * confirm), then the book, then the stop-losses working on the symbols of stored positions.
 *
 * @param stored the open rows (active or closing) of the exchange
 * @param book the book's positions of the exchange, pending ones included, read after the snapshot
 *     (so a position opened meanwhile is in it before it can show on the exchange)
 * @param snapshot the exchange's positions, flat rows included as the venue lists them
 * @param confirmation a second complete snapshot, taken only when some row was absent from the
 *     first
 * @param stops the open stop-losses per symbol (of the open rows the exchange holds and of the flat
 *     symbols it lists), read together in one request; a symbol without an entry could not be read
 *     (its protection is unknown, so nothing is re-placed or cancelled for it)
 * @param now when the inputs were read
 */
public record ReconcileInputs(
    Exchange exchange,
    List<PositionRecord> stored,
    List<Position> book,
    PositionSnapshot.Complete snapshot,
    Optional<PositionSnapshot.Complete> confirmation,
    Map<Symbol, List<StopOrder>> stops,
    Instant now) {

  public ReconcileInputs {
    Objects.requireNonNull(exchange, "exchange");
    stored = List.copyOf(stored);
    book = List.copyOf(book);
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(confirmation, "confirmation");
    stops = Map.copyOf(stops);
    Objects.requireNonNull(now, "now");
    if (snapshot.exchange() != exchange
        || confirmation.map(c -> c.exchange() != exchange).orElse(false)) {
      throw new IllegalArgumentException("the snapshots must be of " + exchange);
    }
  }
}
