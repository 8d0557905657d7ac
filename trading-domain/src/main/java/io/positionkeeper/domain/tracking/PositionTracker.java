package io.positionkeeper.domain.tracking;

import static io.positionkeeper.domain.venue.Failures.describe;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.position.BookUpdate;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StreamEvent;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one exchange's stream to the book, and writes what the book says is owed: a stored
 * position's changes are persisted, a pending one's stay in memory, a stored one that went flat is
 * closed.
 */
public final class PositionTracker implements StreamListener {
  private static final Logger log = LoggerFactory.getLogger(PositionTracker.class);

  private final Exchange exchange;
  private final PositionBook book;
  private final PositionStore store;
  private final AuditTrail audit;
  private final PositionCloser closer;

  public PositionTracker(
      Exchange exchange,
      PositionBook book,
      PositionStore store,
      AuditTrail audit,
      PositionCloser closer) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.book = Objects.requireNonNull(book, "book");
    this.store = Objects.requireNonNull(store, "store");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.closer = Objects.requireNonNull(closer, "closer");
  }

  @Override
  public void onEvent(StreamEvent event) {
    switch (book.apply(exchange, event)) {
      case BookUpdate.Ignored ignored -> {}
      case BookUpdate.Untracked untracked -> {}
      case BookUpdate.InMemory inMemory -> {}
      case BookUpdate.ActiveChanged changed -> persist(changed.position(), changed.dbId());
      case BookUpdate.ActiveFlat flat -> closer.onFlat(flat.position());
    }
  }

  private void persist(Position p, long dbId) {
    try {
      store.updatePosition(
          dbId,
          p.side(),
          p.quantity(),
          p.entryPrice(),
          audit.toRecord(
              new AuditEvent.PositionUpdated(
                  Subject.of(p), p.side(), p.quantity(), p.entryPrice(), "stream")));
    } catch (PortException e) {
      // The book keeps the exchange's truth; reconciliation writes it once the store answers.
      log.error("persisting the update of position {} failed", dbId, e);
      audit.record(
          new AuditEvent.OperationFailed(
              Subject.of(p), "updatePosition", describe(e), Severity.ERROR));
    }
  }
}
