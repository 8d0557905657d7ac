package io.positionkeeper.domain.sim;

import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.sim.Violation.Kind;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.StopOrder;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * I3: once the venue has been quiet for a reconciliation period, every open row matches the venue
 * (position, side, size, the stop it names working), the book agrees, and nothing is pending. A
 * stop that began working less than {@link Invariants#RECORD_WINDOW} ago (a trailing move in a calm
 * mark step) may still be unnamed by the row: the keeper records it at the next reconciliation when
 * the store refused the move's write.
 */
final class RowsMatchVenue {
  private RowsMatchVenue() {}

  static Optional<Violation> check(SimWorld w, int step) {
    return check(w, step, Set.of());
  }

  /** The check, where the stops (client ids) in {@code recent} have their time to be recorded. */
  static Optional<Violation> check(SimWorld w, int step, Set<String> recent) {
    List<PositionRecord> rows =
        w.store.loadOpen().stream().filter(r -> r.exchange() == w.exchange.exchange()).toList();
    for (ExchangePosition venue : w.exchange.openPositions()) {
      Optional<PositionRecord> row =
          rows.stream().filter(r -> r.symbol().equals(venue.symbol())).findFirst();
      if (row.isEmpty()) {
        return Invariants.found(Kind.I3_VENUE_POSITION_UNTRACKED, step, venue.toString());
      }
      PositionRecord r = row.get();
      if (!venue.side().equals(Optional.of(r.side()))
          || venue.size().compareTo(r.quantity()) != 0) {
        return Invariants.found(Kind.I3_ROW_DIFFERS, step, "venue " + venue + " vs row " + r);
      }
      List<StopOrder> working = w.exchange.workingStops(venue.symbol());
      boolean named =
          working.stream().anyMatch(s -> r.stopClientId().equals(Optional.of(s.clientId())));
      boolean recording = working.stream().anyMatch(s -> recent.contains(s.clientId().value()));
      if (!named && !recording) {
        return Invariants.found(
            Kind.I3_ROW_DIFFERS,
            step,
            "row names stop " + r.stopClientId() + ", venue works " + working);
      }
    }
    for (PositionRecord r : rows) {
      if (w.exchange.positionSize(r.symbol()).signum() == 0) {
        return Invariants.found(Kind.I3_ROW_WITHOUT_POSITION, step, r.toString());
      }
    }
    for (Position p : w.keeper.book().all()) {
      boolean stored = rows.stream().anyMatch(r -> r.symbol().equals(p.key().symbol()));
      if (p instanceof Position.Pending || (Invariants.isOpen(p) && !stored)) {
        return Invariants.found(Kind.I3_PENDING_LEFT, step, "book holds " + p);
      }
    }
    for (StopOrder s : w.exchange.allStops()) {
      if (s.status().isFinal() || w.exchange.positionSize(s.symbol()).signum() != 0) {
        continue;
      }
      return Invariants.found(Kind.I3_STRAY_STOP, step, s.toString());
    }
    return Optional.empty();
  }
}
