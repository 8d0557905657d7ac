package io.positionkeeper.domain.sim;

import io.positionkeeper.domain.sim.Violation.Kind;
import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionStatus;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * I4: the audit trail holds every event the keeper emitted exactly once, none about a stored
 * position without its id, and every closed row carries the exit price and reason the venue's fills
 * give.
 */
final class Audit {
  /** Events that only exist for a stored position: recorded without its id, they are lost. */
  private static final Set<String> STORED_ONLY =
      Set.of("POSITION_CLOSING", "POSITION_CLOSED", "STOP_MOVED", "POSITION_UPDATED");

  private Audit() {}

  static Optional<Violation> check(
      SimWorld w, int step, Set<String> recordIds, int checked, Set<Long> closedRowsChecked) {
    for (AuditRecord r : w.journal.recordsFrom(checked)) {
      if (!recordIds.add(r.eventId())) {
        return Invariants.found(Kind.I4_EVENT_NOT_ONCE, step, "twice in the trail: " + r);
      }
      if (STORED_ONLY.contains(r.type()) && r.positionId().isEmpty()) {
        return Invariants.found(Kind.I4_PENDING_ID, step, "no position id: " + r);
      }
    }
    // The sink writes at once: every emitted id is in the trail (the full comparison runs every
    // hundred steps; the sizes tell at every step).
    if (recordIds.size() < w.emitted.size()
        || (step % 100 == 0 && !recordIds.containsAll(w.emitted))) {
      return Invariants.found(
          Kind.I4_EVENT_NOT_ONCE,
          step,
          (w.emitted.size() - recordIds.size()) + " emitted events missing from the trail");
    }
    for (PositionRecord row : w.store.all()) {
      if (row.status() == PositionStatus.CLOSED && closedRowsChecked.add(row.id())) {
        Optional<String> wrong = exitDiffers(w, row);
        if (wrong.isPresent()) {
          return Invariants.found(Kind.I4_INVENTED_EXIT, step, wrong.get() + ": " + row);
        }
      }
    }
    return Optional.empty();
  }

  /** What the row says that the venue's fills during the position's life do not. */
  private static Optional<String> exitDiffers(SimWorld w, PositionRecord row) {
    if (row.closeReason().equals(Optional.of(CloseReason.PHANTOM))) {
      return Optional.empty(); // a phantom has no fill of its own: its exit stays unknown
    }
    List<List<PositionExit>> candidates = ownLife(w, row);
    if (row.exitPrice().isPresent()) {
      BigDecimal price = row.exitPrice().get();
      List<List<PositionExit>> matched =
          candidates.stream()
              .filter(
                  fills ->
                      fills.stream().anyMatch(f -> same(f.averagePrice(), price))
                          || same(vwap(fills), price))
              .toList();
      if (matched.isEmpty()) {
        return Optional.of(
            "exit " + price.toPlainString() + " matches no venue fill " + candidates);
      }
      List<Optional<String>> reasons = matched.stream().map(m -> reasonDiffers(row, m)).toList();
      return reasons.stream().anyMatch(Optional::isEmpty) ? Optional.empty() : reasons.get(0);
    }
    return reasonDiffers(row, candidates.get(0));
  }

  /**
   * The venue's fills of the row's own position: from its opening to the fill that left the venue
   * flat, no fill of a later position on the symbol and side. Positions that ended in the very
   * instant the row opened may be the ones before it (a manual clock cannot order them): then each
   * of them and the next one are candidates. Never empty (an empty life when the history shows
   * nothing).
   */
  private static List<List<PositionExit>> ownLife(SimWorld w, PositionRecord row) {
    List<PositionExit> all = w.exchange.exitFills();
    List<Boolean> ends = w.exchange.exitFillsEndingAPosition();
    List<List<PositionExit>> candidates = new ArrayList<>();
    List<PositionExit> life = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      PositionExit f = all.get(i);
      if (!f.symbol().equals(row.symbol())
          || f.side() != row.side()
          || f.time().isBefore(row.openedAt())
          || row.closedAt().map(c -> f.time().isAfter(c)).orElse(false)) {
        continue;
      }
      life.add(f);
      if (ends.get(i)) {
        candidates.add(life);
        if (f.time().isAfter(row.openedAt())) {
          return candidates;
        }
        life = new ArrayList<>();
      }
    }
    candidates.add(life);
    return candidates;
  }

  /** The reason, where the fills of the position's life all name one kind of closing order. */
  private static Optional<String> reasonDiffers(PositionRecord row, List<PositionExit> fills) {
    if (fills.isEmpty() || row.closeReason().isEmpty()) {
      return Optional.empty();
    }
    CloseReason reason = row.closeReason().get();
    boolean allByStops =
        fills.stream()
            .allMatch(f -> f.closingClientId().filter(id -> isStopOf(row, id)).isPresent());
    boolean allByHand = fills.stream().allMatch(f -> f.closingClientId().isEmpty());
    if (allByStops && reason != CloseReason.STOP_LOSS && reason != CloseReason.TRAILING_STOP) {
      return Optional.of("closed by its stop on the venue, recorded " + reason);
    }
    if (allByHand && reason != CloseReason.EXTERNAL) {
      return Optional.of("closed by hand on the venue, recorded " + reason);
    }
    return Optional.empty();
  }

  /**
   * One of the row's own stops (another position's stop closing it is neither its stop nor a hand).
   */
  private static boolean isStopOf(PositionRecord row, ClientOrderId id) {
    return row.stopClientId().equals(Optional.of(id))
        || row.entryClientOrderId()
            .filter(entry -> ClientIds.isStopOf(entry, row.id(), id))
            .isPresent();
  }

  private static BigDecimal vwap(List<PositionExit> fills) {
    BigDecimal qty = BigDecimal.ZERO;
    BigDecimal notional = BigDecimal.ZERO;
    for (PositionExit f : fills) {
      qty = qty.add(f.quantity());
      notional = notional.add(f.quantity().multiply(f.averagePrice()));
    }
    return qty.signum() == 0 ? BigDecimal.ZERO : notional.divide(qty, MathContext.DECIMAL128);
  }

  private static boolean same(BigDecimal a, BigDecimal b) {
    if (a.signum() == 0 || b.signum() == 0) {
      return a.compareTo(b) == 0;
    }
    return a.subtract(b)
            .abs()
            .divide(b.abs(), MathContext.DECIMAL64)
            .compareTo(new BigDecimal("1e-9"))
        <= 0;
  }
}
