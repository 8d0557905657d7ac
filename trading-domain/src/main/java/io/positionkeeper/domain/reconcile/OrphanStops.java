package io.positionkeeper.domain.reconcile;

import static io.positionkeeper.domain.venue.Failures.describe;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionLoader;
import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  private static boolean mayOwn(Position p, ClientOrderId stop) {
    long dbId = p instanceof Position.Stored stored ? stored.dbId() : 0;
    return p.stopId().equals(Optional.of(stop)) || ClientIds.isStopOf(p.entryOrderId(), dbId, stop);
  }

  /**
   * The orphans on the snapshot's flat symbols that the book holds nothing for, among the stops
   * read with the inputs; a symbol whose stops could not be read is left for the next run.
   */
  List<ReconcileAction> find(ReconcileInputs in, Set<Symbol> live) {
    List<ReconcileAction> found = new ArrayList<>();
    for (ExchangePosition row : in.snapshot().positions()) {
      Symbol symbol = row.symbol();
      if (live.contains(symbol) || c.book().get(c.key(symbol)).isPresent()) {
        continue;
      }
      List<StopOrder> stops = in.stops().get(symbol);
      if (stops == null) {
        log.warn("the open stops of flat {} are unknown in this run", symbol);
        continue;
      }
      for (StopOrder stop : stops) {
        if (!stop.status().isFinal() && ClientIds.isOurStop(stop.clientId())) {
          found.add(new ReconcileAction.CancelOrphanStop(stop));
        }
      }
    }
    return found;
  }

  /**
   * Stops of ours on a symbol the venue holds open that belong to no open row there: left by an
   * earlier position on the symbol whose cleanup a restart cut short (simulator seed 462). They are
   * a second stop beside the position's own, and would act on it.
   */
  List<ReconcileAction> beside(ReconcileInputs in, Map<Symbol, ExchangePosition> live) {
    List<ReconcileAction> found = new ArrayList<>();
    for (PositionRecord row : in.stored()) {
      List<StopOrder> stops = in.stops().get(row.symbol());
      ExchangePosition venue = live.get(row.symbol());
      if (!row.status().isOpen() || venue == null || stops == null) {
        continue;
      }
      ClientOrderId entry = PositionLoader.correlationOf(row);
      PositionSide side = venue.side().orElse(row.side());
      List<StopOrder> own = new ArrayList<>();
      List<StopOrder> others = new ArrayList<>();
      List<StopOrder> unnamed = new ArrayList<>();
      for (StopOrder stop : stops) {
        ClientOrderId id = stop.clientId();
        if (stop.status().isFinal()) {
          continue;
        }
        if (!ClientIds.isOurStop(id)) {
          if (stop.positionSide() == row.side()) {
            unnamed.add(stop);
          }
          continue;
        }
        if (row.stopClientId().equals(Optional.of(id)) || ClientIds.isStopOf(entry, row.id(), id)) {
          own.add(stop);
        } else {
          others.add(stop);
        }
      }
      boolean ownOnSide = own.stream().anyMatch(s -> s.positionSide() == side);
      for (StopOrder stop : others) {
        if (!ownOnSide && stop.positionSide() == side) {
          // None of the row's own stops works on the venue's side, so this one is what protects
          // the position: an opening that rolled back without learning its row (or leaving none)
          // kept the position with a stop under its entry's ids, and the row reconciliation then
          // adopted has ids of its own. Cancelled, it would leave the position without a stop;
          // it is the row's, kept (the tightest, if several) and recorded.
          own.add(stop);
        } else {
          found.add(new ReconcileAction.CancelOrphanStop(stop));
        }
      }
      Optional<ClientOrderId> bookStop =
          c.book()
              .get(c.key(row.symbol()))
              .filter(p -> p instanceof Position.Stored s && s.dbId() == row.id())
              .flatMap(Position::stopId);
      found.addAll(extra(row, side, own, bookStop));
      if (own.isEmpty() && row.stopClientId().isEmpty() && unnamed.size() == 1) {
        // A row that names no stop, on a position protected by exactly one stop under no id of
        // ours: a venue that keeps the stop on the position and gives it no client id (Bybit)
        // reports it under a name of its own after a restart, so a crash between the stop's
        // acknowledgement and its recording left the row without it. It is the position's stop.
        found.add(new ReconcileAction.RecordWorkingStop(row, unnamed.get(0)));
      }
    }
    return found;
  }

  /**
   * All but the tightest of one position's own stops on the venue's side, and every one of its own
   * stops for the other side once a stop on the venue's side works. The venue's side, not the
   * row's: a late entry can flip the net position (one-way mode) under a row that still names the
   * old side until this run follows the venue, and the old side's stop then protects nothing.
   */
  private static List<ReconcileAction> extra(
      PositionRecord row,
      PositionSide side,
      List<StopOrder> own,
      Optional<ClientOrderId> bookStop) {
    List<StopOrder> sameSide =
        own.stream()
            .filter(s -> s.positionSide() == side)
            .sorted(
                (a, b) ->
                    side == PositionSide.LONG
                        ? b.triggerPrice().compareTo(a.triggerPrice())
                        : a.triggerPrice().compareTo(b.triggerPrice()))
            .toList();
    List<ReconcileAction> found = new ArrayList<>();
    if (sameSide.isEmpty()) {
      return found;
    }
    StopOrder kept = sameSide.get(0);
    for (StopOrder s : sameSide.subList(1, sameSide.size())) {
      found.add(new ReconcileAction.CancelExtraStop(row, s, kept));
    }
    own.stream()
        .filter(s -> s.positionSide() != side)
        .forEach(s -> found.add(new ReconcileAction.CancelExtraStop(row, s, kept)));
    // The book (and with it the trailing stop) may name another stop than the row: a move whose
    // row write failed, its new stop then cancelled by hand while the row's older, looser one
    // still works. The trailing stop then takes the cancelled stop for its own at the rule's
    // level, and neither moves nor exits when the mark crosses that level; recording the working
    // stop makes it trail from the stop that really guards the position.
    boolean bookNamesAnother = bookStop.filter(id -> !id.equals(kept.clientId())).isPresent();
    if (!row.stopClientId().equals(Optional.of(kept.clientId())) || bookNamesAnother) {
      found.add(new ReconcileAction.RecordWorkingStop(row, kept));
    }
    return found;
  }

  ActionOutcome cancelExtra(ReconcileAction.CancelExtraStop a) {
    StopOrder stop = a.stop();
    Optional<Position> holder = c.book().get(c.key(stop.symbol()));
    if (holder.isPresent()
        && holder.get().phase() == io.positionkeeper.domain.position.Phase.PROTECTING) {
      return ActionOutcome.skipped(a, "its opener is placing the stop; the next run decides");
    }
    Subject subject = c.subjectOf(a.row());
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
            () ->
                new AuditEvent.StopCancelled(
                    subject, stop.clientId(), "extra: " + a.kept().clientId() + " protects it"));
    return ActionOutcome.applied(a, "cancelled");
  }

  ActionOutcome cancel(ReconcileAction.CancelOrphanStop a) {
    StopOrder stop = a.stop();
    // An open registers in the book before it sends anything: while it is in flight, the stops
    // it may have placed are its own (their ids derive from its entry) and are never cancelled
    // here.
    Optional<Position> holder = c.book().get(c.key(stop.symbol()));
    if (holder.isPresent() && mayOwn(holder.get(), stop.clientId())) {
      return ActionOutcome.skipped(
          a, "the position on the symbol may own it; the next run decides");
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
