package io.positionkeeper.domain.reconcile;

import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The reconciliation rule, as a pure function of what was read: no port, no clock, no side effect.
 *
 * <ul>
 *   <li>Exchange rows of raw size zero are not positions (stale flat rows, counted as positions,
 *       once made phantoms).
 *   <li>A pending registration is never a phantom; older than the deadline, it leaves the book.
 *   <li>A row absent from the snapshot <em>and</em> from the confirming one is a phantom.
 *   <li>A row present with another side or size follows the exchange.
 *   <li>An open row (active or closing) whose side has no open stop-loss on the venue gets one
 *       again (when the stops are known), unless its opener is placing its first stop right now.
 *   <li>An exchange position with neither a row nor a book entry is missing: adopted, ignored or
 *       closed as the policy says.
 * </ul>
 *
 * Actions come in that order, each group sorted by symbol, so a plan reads the same every time.
 */
public final class ReconcileDecision {
  private ReconcileDecision() {}

  public static List<ReconcileAction> decide(ReconcileInputs in, ReconcilePolicy policy) {
    Map<Symbol, ExchangePosition> live = live(in.snapshot());
    Optional<Map<Symbol, ExchangePosition>> confirmed =
        in.confirmation().map(ReconcileDecision::live);
    List<PositionRecord> rows =
        in.stored().stream()
            .filter(r -> r.exchange() == in.exchange() && r.status().isOpen())
            .sorted(Comparator.comparing(PositionRecord::symbol))
            .toList();
    List<Position> book =
        in.book().stream()
            .filter(p -> p.key().exchange() == in.exchange())
            .sorted(Comparator.comparing(p -> p.key().symbol()))
            .toList();

    List<ReconcileAction> phantoms = new ArrayList<>();
    List<ReconcileAction> follow = new ArrayList<>();
    List<ReconcileAction> stops = new ArrayList<>();
    for (PositionRecord row : rows) {
      ExchangePosition onExchange = live.get(row.symbol());
      if (onExchange == null) {
        if (confirmed.map(c -> !c.containsKey(row.symbol())).orElse(false)) {
          phantoms.add(new ReconcileAction.ClosePhantom(row));
        }
        continue;
      }
      follow(row, onExchange).ifPresent(follow::add);
      replaceStop(row, onExchange, in.stops().get(row.symbol()), book).ifPresent(stops::add);
    }

    List<ReconcileAction> all = new ArrayList<>(expired(book, in, policy));
    all.addAll(phantoms);
    all.addAll(follow);
    all.addAll(stops);
    all.addAll(missing(live, rows, book, policy));
    return List.copyOf(all);
  }

  /** Pending registrations older than the policy allows. */
  private static List<ReconcileAction> expired(
      List<Position> book, ReconcileInputs in, ReconcilePolicy policy) {
    List<ReconcileAction> expire = new ArrayList<>();
    for (Position p : book) {
      if (p instanceof Position.Pending pending) {
        Duration age = Duration.between(pending.registeredAt(), in.now());
        if (age.compareTo(policy.pendingDeadline()) > 0) {
          expire.add(new ReconcileAction.ExpirePending(pending, age));
        }
      }
    }
    return expire;
  }

  /** The row takes the venue's side and size when they differ. */
  private static Optional<ReconcileAction> follow(PositionRecord row, ExchangePosition venue) {
    PositionSide side = venue.side().orElseThrow();
    if (side == row.side() && venue.size().compareTo(row.quantity()) == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new ReconcileAction.FollowExchange(row, side, venue.size(), venue.entryPrice()));
  }

  /**
   * A new stop for an open row whose side has none working, when the stops were read and nobody
   * else is placing one. A closing row is protected too: the venue still holds the position, and a
   * close that was refused, never landed or was cut short by a restart leaves it open for as long
   * as nobody looks; a stop that outlives a close that did land is cancelled with the position's
   * other stops, or as an orphan by the next run.
   */
  private static Optional<ReconcileAction> replaceStop(
      PositionRecord row, ExchangePosition venue, List<StopOrder> working, List<Position> book) {
    if (working == null || !row.status().isOpen() || busy(book, row)) {
      return Optional.empty();
    }
    PositionSide side = venue.side().orElseThrow();
    boolean protectedNow =
        working.stream().anyMatch(s -> !s.status().isFinal() && s.positionSide() == side);
    if (protectedNow) {
      return Optional.empty();
    }
    // The row's level is a level for the venue's side only when the row is on that side and the
    // stop it names is not working for the other side. A late entry can flip the net position
    // (one-way mode) and the stream's write of the flip changes the row's side but not its stop:
    // the old side's level, re-placed for the new side, would trigger at once (a SHORT's stop is
    // above the mark, a LONG's below), and the keeper would close the position at market. A
    // trader wants the new position protected as an opening would protect it: at the default
    // distance from its own entry.
    boolean rowStopOtherSide =
        row.stopClientId()
            .flatMap(id -> working.stream().filter(s -> s.clientId().equals(id)).findFirst())
            .map(s -> s.positionSide() != side)
            .orElse(false);
    boolean levelOfThisSide = side == row.side() && !rowStopOtherSide;
    List<StopOrder> otherSide =
        working.stream()
            .filter(
                s ->
                    !s.status().isFinal()
                        && s.positionSide() != side
                        && ClientIds.isOurStop(s.clientId()))
            .toList();
    return Optional.of(
        new ReconcileAction.ReplaceStop(
            row,
            side,
            levelOfThisSide ? row.entryPrice() : venue.entryPrice(),
            levelOfThisSide ? row.stopPrice() : Optional.empty(),
            otherSide));
  }

  /** Venue positions neither a row nor the book knows, handled as the policy says. */
  private static List<ReconcileAction> missing(
      Map<Symbol, ExchangePosition> live,
      List<PositionRecord> rows,
      List<Position> book,
      ReconcilePolicy policy) {
    Set<Symbol> known =
        rows.stream().map(PositionRecord::symbol).collect(Collectors.toCollection(HashSet::new));
    book.forEach(p -> known.add(p.key().symbol()));
    List<ReconcileAction> missing = new ArrayList<>();
    for (ExchangePosition p : live.values()) {
      if (known.contains(p.symbol())) {
        continue;
      }
      missing.add(
          switch (policy.missing()) {
            case ADOPT_AND_PROTECT -> new ReconcileAction.AdoptMissing(p);
            case IGNORE -> new ReconcileAction.IgnoreMissing(p);
            case CLOSE -> new ReconcileAction.CloseMissing(p);
          });
    }
    return missing;
  }

  /** The snapshot's positions by symbol, without the flat rows (judged by their raw size). */
  public static Map<Symbol, ExchangePosition> live(PositionSnapshot snapshot) {
    Map<Symbol, ExchangePosition> live = new TreeMap<>();
    for (ExchangePosition p : snapshot.positions()) {
      if (!p.isFlat()) {
        live.put(p.symbol(), p);
      }
    }
    return live;
  }

  /**
   * Whether the book says someone else owns the row's stop right now: its opener is placing the
   * first one (two stops otherwise), or it has just ended. An opener still holding its pending
   * registration owns the row its entry order made: the row was committed but the opener could not
   * learn its id (a driver's bug after the commit, a read-back that failed), and its rollback
   * protects the position itself when the venue still holds it, then lets the book go.
   */
  private static boolean busy(List<Position> book, PositionRecord row) {
    return book.stream()
        .anyMatch(
            p ->
                p.key().symbol().equals(row.symbol())
                    && switch (p) {
                      case Position.Stored stored ->
                          stored.dbId() == row.id() && ownedElsewhere(p.phase());
                      case Position.Pending pending ->
                          row.entryClientOrderId().equals(Optional.of(pending.entryOrderId()));
                    });
  }

  private static boolean ownedElsewhere(Phase phase) {
    return switch (phase) {
      case ACTIVE, CLOSING -> false;
      case PENDING_OPEN, PROTECTING, CLOSED, ROLLED_BACK -> true;
    };
  }
}
