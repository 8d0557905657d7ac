package io.positionkeeper.domain.reconcile;

import static io.positionkeeper.domain.venue.Failures.describe;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and cancels stops of ours that no position holds. The venue keeps a close-position stop
 * after its position is closed by hand or liquidated; the closer cancels it when it sees the end,
 * and this sweep catches what a restart or a failed cancel left behind. The symbols looked at are
 * the venue's flat rows: a venue that lists only symbols with a position or an open order shows
 * exactly the symbols where an orphan can be.
 */
final class OrphanStops {
  private static final Logger log = LoggerFactory.getLogger(OrphanStops.class);

  private final ReconcileContext c;

  OrphanStops(ReconcileContext c) {
    this.c = c;
  }

  /** The orphans on the snapshot's flat symbols that the book holds nothing for. */
  List<ReconcileAction> find(PositionSnapshot.Complete snapshot, Set<Symbol> live) {
    List<ReconcileAction> found = new ArrayList<>();
    for (ExchangePosition row : snapshot.positions()) {
      Symbol symbol = row.symbol();
      if (live.contains(symbol) || c.book().get(c.key(symbol)).isPresent()) {
        continue;
      }
      try {
        for (StopOrder stop : c.read(() -> c.gateway().openStopLosses(symbol))) {
          if (!stop.status().isFinal() && ClientIds.isOurStop(stop.clientId())) {
            found.add(new ReconcileAction.CancelOrphanStop(stop));
          }
        }
      } catch (PortException e) {
        log.warn("the open stops of flat {} could not be read", symbol, e);
      }
    }
    return found;
  }

  ActionOutcome cancel(ReconcileAction.CancelOrphanStop a) {
    StopOrder stop = a.stop();
    // An open registers in the book before it sends anything: while it is in flight, its symbol is
    // not swept. A stop it places has an id of its own, so it is never the one cancelled here.
    if (c.book().get(c.key(stop.symbol())).isPresent()) {
      return ActionOutcome.skipped(a, "an open on the symbol is in flight; the next run decides");
    }
    Subject subject = Subject.symbol(c.key(stop.symbol()), stop.clientId().value());
    try {
      c.read(
          () -> {
            c.gateway().cancelStopLoss(stop.symbol(), stop.clientId());
            return stop;
          });
    } catch (PortException e) {
      return ActionOutcome.failed(a, "cancel failed, tried again next run: " + describe(e));
    }
    c.audit()
        .record(
            subject,
            () -> new AuditEvent.StopCancelled(subject, stop.clientId(), "orphan: no position"));
    return ActionOutcome.applied(a, "cancelled");
  }
}
