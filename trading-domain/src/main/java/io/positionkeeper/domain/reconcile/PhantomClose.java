package io.positionkeeper.domain.reconcile;

import static io.positionkeeper.domain.venue.Failures.describe;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.tracking.LifeExit;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.Severity;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a row whose position the venue no longer holds (two complete snapshots agreed), with the
 * exit the venue reports: the close it made while we watched, or its trade history. A price or a
 * PnL is never made up.
 */
final class PhantomClose {
  private static final Logger log = LoggerFactory.getLogger(PhantomClose.class);

  private final ReconcileContext c;

  PhantomClose(ReconcileContext c) {
    this.c = c;
  }

  ActionOutcome close(ReconcileAction.ClosePhantom a) {
    PositionRecord row = a.row();
    Optional<PositionRecord> current = c.store().find(row.id());
    if (current.isEmpty() || !current.get().status().isOpen()) {
      return ActionOutcome.skipped(a, "the row was closed meanwhile");
    }
    // A close the venue made while we watched, and the store missed: write what the venue did.
    if (c.closer().settleOwed(row.id())) {
      return ActionOutcome.applied(a, "closed with the exit the venue reported when it happened");
    }
    Optional<Position> inBook = c.bookEntry(row);
    Subject subject = c.subjectOf(row);
    PositionClose close = exitFromVenue(row);
    String detail =
        "closed as "
            + close.reason()
            + close.exitPrice().map(p -> " at " + p.toPlainString()).orElse(", exit unknown");
    try {
      c.store()
          .close(
              row.id(),
              close,
              c.audit()
                  .toRecord(
                      subject,
                      () ->
                          new AuditEvent.PositionClosed(
                              subject, close.reason(), close.exitPrice(), close.realizedPnl())));
    } catch (RuntimeException e) {
      // A commit whose answer was lost (or a driver's bug after the commit) wrote the close after
      // all: the row is no longer open, so no later run would find it again, and the book must
      // let the position go now.
      if (!PositionCloser.closedInStore(c.store(), row.id())) {
        throw e;
      }
      detail += " (the store's answer was lost; the row reads closed)";
    }
    try {
      c.trailing().stop(row.id());
    } catch (PortException e) {
      log.error("removing the trailing state of phantom {} failed", row.id(), e);
      c.audit()
          .record(
              new AuditEvent.OperationFailed(
                  subject, "trailing.stop", describe(e), Severity.WARNING));
      detail += "; its trailing state could not be removed: " + describe(e);
    }
    inBook.ifPresent(p -> c.book().remove(p.key(), p.id()));
    if (!c.closer().cancelStrayStops(ended(row))) {
      detail += "; its stop is cancelled on a later run";
    }
    return ActionOutcome.applied(a, detail);
  }

  /** The row as the closer knows an ended position, to find its stops by their ids. */
  private Position.Stored ended(PositionRecord row) {
    return Position.active(
        row.id(),
        c.key(row.symbol()),
        row.side(),
        row.quantity(),
        row.entryPrice(),
        ReconcileIds.correlationOf(row),
        row.stopClientId(),
        Phase.CLOSED,
        row.openedAt());
  }

  /**
   * How a phantom ended, from the venue's history of its own life: a fill of one of its stops is a
   * stop-loss (a trailing stop when it was moved), anything else external; PHANTOM with no price
   * when the history is silent or cannot be read.
   */
  private PositionClose exitFromVenue(PositionRecord row) {
    Position.Stored ended = ended(row);
    Optional<PositionExit> exit;
    try {
      exit = c.read(() -> LifeExit.read(c.gateway(), ended, Optional.empty()));
    } catch (PortException e) {
      log.warn("the trade history of {} could not be read", row.symbol(), e);
      exit = Optional.empty();
    }
    if (exit.isEmpty()) {
      return new PositionClose(
          Optional.empty(), Optional.empty(), CloseReason.PHANTOM, c.clock().now());
    }
    PositionExit e = exit.get();
    CloseReason reason = CloseReason.EXTERNAL;
    if (e.closingClientId().filter(id -> PositionCloser.isStopOf(ended, id)).isPresent()) {
      reason =
          e.closingClientId().get().value().startsWith("pkm-")
              ? CloseReason.TRAILING_STOP
              : CloseReason.STOP_LOSS;
    }
    return new PositionClose(
        Optional.of(e.averagePrice()), Optional.of(e.realizedPnl()), reason, e.time());
  }
}
