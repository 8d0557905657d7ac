package io.positionkeeper.domain.reconcile;

import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.PositionRecord;
import java.time.Instant;

/** Client order ids and correlation keys of what reconciliation creates. */
final class ReconcileIds {
  private ReconcileIds() {}

  /**
   * The correlation key of a row: its entry order id, or for a row with none (adopted) {@code
   * pka-<id>}, the same key the startup loader gives it.
   */
  static ClientOrderId correlationOf(PositionRecord row) {
    return row.entryClientOrderId().orElseGet(() -> adopted(row.id()));
  }

  static ClientOrderId adopted(long dbId) {
    return ClientOrderId.of("pka-" + dbId);
  }

  /** The reduce-only close of a missing position, deterministic for one run. */
  static ClientOrderId closeMissing(Exchange exchange, ExchangePosition p, Instant at) {
    ClientOrderId base =
        ClientIds.entry(
            exchange, p.symbol(), p.side().orElseThrow(), "close-missing-" + at.toEpochMilli());
    return ClientIds.close(base, 1);
  }
}
