package io.positionkeeper.domain.tracking;

import static io.positionkeeper.domain.venue.Failures.describe;
import static io.positionkeeper.domain.venue.Failures.unexpected;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.domain.venue.CloseOrderIds;
import io.positionkeeper.domain.venue.Orders;
import io.positionkeeper.domain.venue.VenuePositions;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends stored positions: when the exchange reports one flat (its stop fired, a close order filled,
 * it was liquidated) and when a close is asked for (a trader's command, an emergency). Exactly one
 * caller finalizes a position, whichever of the stream and the close command gets there first.
 */
public final class PositionCloser {
  private static final Logger log = LoggerFactory.getLogger(PositionCloser.class);

  private final Map<Exchange, ExchangeGateway> gateways;
  private final PositionStore store;
  private final PositionBook book;
  private final AuditTrail audit;
  private final TrailingStops trailing;
  private final Clock clock;
  // Keyed by the row, not the symbol: a request left by a close that ended elsewhere (a phantom
  // close, a restart of the stream) must never name the reason of the next position on the symbol.
  private final Map<Long, CloseReason> requested = new ConcurrentHashMap<>();
  private final Map<Long, OwedClose> owed = new ConcurrentHashMap<>();
  // Ended positions whose stops the venue may still hold; cleared once a listing shows none.
  private final Map<Long, Position.Stored> strayStops = new ConcurrentHashMap<>();
  // Rows whose close a caller is sending right now. A second caller (a reconciliation that finds
  // the closing position without a stop, a trader's command) would send a second close order
  // while the first waits out a rate limit, and report an emergency the first reports too.
  private final Set<Long> underway = ConcurrentHashMap.newKeySet();
  private final CloseOrderIds closeIds;
  private final java.time.Duration orderDeadline;

  public PositionCloser(
      Map<Exchange, ExchangeGateway> gateways,
      PositionStore store,
      PositionBook book,
      AuditTrail audit,
      TrailingStops trailing,
      Clock clock,
      java.time.Duration orderDeadline) {
    this.orderDeadline = Objects.requireNonNull(orderDeadline, "orderDeadline");
    this.gateways = new EnumMap<>(gateways);
    this.store = Objects.requireNonNull(store, "store");
    this.book = Objects.requireNonNull(book, "book");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.trailing = Objects.requireNonNull(trailing, "trailing");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.closeIds = new CloseOrderIds(clock);
  }

  /** What a close command achieved. */
  public sealed interface CloseOutcome {
    /** The position is closed on the exchange at {@code exitPrice} (the close order's average). */
    record Closed(long dbId, BigDecimal exitPrice) implements CloseOutcome {}

    /** The close order was sent but the exchange still shows the position (partly) open. */
    record StillOpen(long dbId, BigDecimal remaining, String detail) implements CloseOutcome {}

    /** The close could not be attempted or failed; the position is as it was. */
    record Failed(String reason) implements CloseOutcome {}

    /**
     * Another caller's close of this position is being sent right now; nothing was sent. That
     * caller reports how it ended; a run that finds the position still open afterwards decides
     * again.
     */
    record Underway(long dbId) implements CloseOutcome {}
  }

  /**
   * Closes a stored position at market with a reduce-only order for its whole size, under a close
   * order id never used before. The row is closed only once the venue is flat: by the stream's flat
   * event, or by a position list that shows it flat.
   */
  public CloseOutcome close(PositionKey key, CloseReason reason) {
    Optional<Position> current = book.get(key);
    if (current.isEmpty() || !(current.get() instanceof Position.Stored position)) {
      return new CloseOutcome.Failed("no stored position on " + key);
    }
    long dbId = position.dbId();
    // Taken before the phase changes, so that no one sees the position CLOSING without it.
    if (!underway.add(dbId)) {
      return new CloseOutcome.Underway(dbId);
    }
    try {
      return closeOnce(key, position, reason);
    } finally {
      underway.remove(dbId);
    }
  }

  /** Whether a caller is sending the close of row {@code dbId} right now. */
  public boolean isUnderway(long dbId) {
    return underway.contains(dbId);
  }

  private CloseOutcome closeOnce(PositionKey key, Position.Stored position, CloseReason reason) {
    long dbId = position.dbId();
    Phase before;
    if (book.transition(key, position.id(), Phase.ACTIVE, Phase.CLOSING).isPresent()) {
      before = Phase.ACTIVE;
    } else if (book.transition(key, position.id(), Phase.PROTECTING, Phase.CLOSING).isPresent()) {
      before = Phase.PROTECTING;
    } else if (position.phase() == Phase.CLOSING) {
      before = Phase.CLOSING;
    } else {
      return new CloseOutcome.Failed(key + " is " + position.phase() + ", not closable");
    }
    ClientOrderId closeId = closeIds.next(position.entryOrderId());
    requested.put(dbId, reason);
    try {
      store.markClosing(
          dbId,
          audit.toRecord(new AuditEvent.PositionClosing(Subject.of(position), reason, closeId)));
    } catch (PortException e) {
      // The exchange is what matters: a position we want gone must go even if the row lags.
      audit.record(
          new AuditEvent.OperationFailed(
              Subject.of(position), "markClosing", describe(e), Severity.ERROR));
    } catch (RuntimeException e) {
      // A driver's bug in this bookkeeping write must not stop the close either: thrown to the
      // caller, it left the position CLOSING with no close order sent, and whatever ended it
      // later was recorded as the close asked for.
      log.error("marking position {} closing failed unexpectedly; closing it anyway", dbId, e);
      audit.record(
          new AuditEvent.OperationFailed(
              Subject.of(position), "markClosing", failure(e), Severity.ERROR));
    }
    ExchangeGateway gateway = gatewayOf(key);
    var request =
        new MarketOrderRequest(
            key.symbol(), position.side().exitSide(), position.quantity(), closeId, true);
    OrderReport report;
    switch (Orders.place(gateway, request, clock, orderDeadline)) {
      case Orders.Placement.Placed placed -> report = placed.report();
      case Orders.Placement.Refused refused -> {
        // Back to whoever held it: a position still PROTECTING is its opener's, which tries the
        // close again or hands it over. Made ACTIVE here, it looked unowned and stopless between
        // the opener's attempts, and a reconciliation in that gap started a close of its own.
        book.transition(
            key, position.id(), Phase.CLOSING, before == Phase.PROTECTING ? before : Phase.ACTIVE);
        requested.remove(dbId);
        return new CloseOutcome.Failed(
            "close order refused: " + refused.code() + " " + refused.reason());
      }
      case Orders.Placement.Unresolved unresolved -> {
        // The order may be working: stay CLOSING; the stream or reconciliation settles it.
        return new CloseOutcome.Failed("close order outcome unknown: " + unresolved.reason());
      }
    }
    // The stream may already have finalized the close (its flat event can beat the response).
    if (book.get(key).filter(p -> p.id().equals(position.id())).isEmpty()) {
      owedWithoutExit(dbId, report);
      return closedOutcome(dbId, report);
    }
    return settleFromVenue(gateway, position, reason, report);
  }

  /**
   * The close order is placed and the stream has not said the position is flat: only the venue's
   * position list may say so. A report alone never closes a row (an earlier order's report, a
   * partial fill).
   */
  private CloseOutcome settleFromVenue(
      ExchangeGateway gateway, Position.Stored position, CloseReason reason, OrderReport report) {
    long dbId = position.dbId();
    Optional<BigDecimal> open =
        VenuePositions.openSize(
            gateway,
            position.key().symbol(),
            position.side(),
            clock,
            orderDeadline,
            Backoff.standard());
    String filled =
        "close order " + report.status() + " filled " + report.filledQuantity().toPlainString();
    if (open.isEmpty()) {
      return new CloseOutcome.StillOpen(
          dbId, position.quantity(), filled + "; the venue could not confirm it is flat");
    }
    if (open.get().signum() > 0) {
      return new CloseOutcome.StillOpen(
          dbId, open.get(), filled + "; the venue still holds " + open.get().toPlainString());
    }
    if (!report.hasFill() || report.averagePrice().signum() <= 0) {
      return new CloseOutcome.StillOpen(
          dbId, BigDecimal.ZERO, filled + "; flat, waiting for the fill's price from the stream");
    }
    Position.Fill fill =
        new Position.Fill(
            report.clientOrderId(),
            report.status(),
            report.filledQuantity(),
            report.averagePrice(),
            pnlOf(position, report.averagePrice(), report.filledQuantity()));
    finalizeClose(position, reason, Optional.of(fill));
    return closedOutcome(dbId, report);
  }

  /**
   * The stream finalized the close before the close order's answer came, without the fill (its
   * order event lost): the answer's own fill is the exit, so the owed close can be written.
   */
  private void owedWithoutExit(long dbId, OrderReport report) {
    OwedClose o = owed.get(dbId);
    if (o == null || o.exitPrice().isPresent() || !report.hasFill()) {
      return;
    }
    BigDecimal price = report.averagePrice();
    owed.put(
        dbId,
        new OwedClose(
            o.before(),
            Optional.of(price),
            Optional.of(pnlOf(o.before(), price, report.filledQuantity())),
            o.reason(),
            o.at()));
    try {
      settleOwed(dbId);
    } catch (PortException e) {
      log.debug("close of {} still owed", dbId);
    }
  }

  private static CloseOutcome closedOutcome(long dbId, OrderReport report) {
    return new CloseOutcome.Closed(dbId, report.averagePrice());
  }

  /**
   * The stream reports a stored position flat: record why and how it ended, once that is sure. A
   * flat from the stream may be stale (a delayed or reordered event of the position before this one
   * on the symbol, closed in the instant this one opened), so it closes the row only when the
   * position's own order filled its whole size or the venue's position list shows it flat. When the
   * venue still holds it, the book takes the venue's size back; when the venue cannot be read, the
   * book keeps the size it had and reconciliation, which reads the venue, decides.
   */
  public void onFlat(Position.Stored before) {
    if (!endedByItsOwnFill(before)) {
      Optional<Optional<ExchangePosition>> venue = venueSide(before);
      if (venue.isEmpty()) {
        book.restoreSize(before, before.side(), before.quantity(), before.entryPrice());
        log.warn("{} reported flat by the stream; the venue could not confirm it", before.key());
        return;
      }
      if (venue.get().isPresent()) {
        ExchangePosition held = venue.get().get();
        book.restoreSize(before, held.side().orElse(before.side()), held.size(), held.entryPrice());
        log.info(
            "{} reported flat by a stale stream event; the venue holds {}",
            before.key(),
            held.size().toPlainString());
        return;
      }
    }
    CloseReason reason = reasonOf(before, before.dbId());
    finalizeClose(before, reason, before.exitFill());
  }

  /** Whether one of the position's own orders filled its whole size (a flat that is sure). */
  private static boolean endedByItsOwnFill(Position.Stored before) {
    return before
        .exitFill()
        .filter(f -> f.quantity().compareTo(before.quantity()) >= 0)
        .isPresent();
  }

  /**
   * One read of the venue's positions: the position the venue holds on the symbol, on either side
   * (empty inside when flat), or empty when no complete list could be read. Either side: the side
   * the book gave the row may itself come from a stale event (the position before this one on the
   * symbol, rolled back in the instant this one opened on the other side, reported late), and
   * taking the venue's position on the other side for a flat closed the open position's row and
   * cancelled its stop. The row is the only one on the symbol; reconciliation, owed after this,
   * makes it follow the venue as it would any change of side. One attempt: this runs on the
   * stream's thread, and a failure is settled by reconciliation.
   */
  private Optional<Optional<ExchangePosition>> venueSide(Position.Stored before) {
    try {
      return switch (gatewayOf(before.key()).positions()) {
        case PositionSnapshot.Complete complete ->
            Optional.of(complete.find(before.key().symbol()).filter(p -> p.size().signum() > 0));
        case PositionSnapshot.Incomplete incomplete -> Optional.empty();
      };
    } catch (RuntimeException e) {
      // A driver's bug as well as a port failure: the venue did not say, and a bug thrown here
      // left the book holding a zero-size position that no close could ever end.
      log.warn("confirming that {} is flat failed", before.key(), e);
      return Optional.empty();
    }
  }

  /**
   * Why the position ended: its own stop when its fill says so, even while a close was asked for
   * (the stop fired before the close order landed: the venue's fills are the truth); otherwise the
   * close asked for, or EXTERNAL.
   */
  private CloseReason reasonOf(Position.Stored before, long dbId) {
    // Any stop of this position counts, not only the one the book names: a re-placed or moved stop
    // whose answer was lost closes the position just the same.
    if (before.exitFill().isPresent() && isStopOf(before, before.exitFill().get().orderId())) {
      return stopReason(dbId);
    }
    CloseReason asked = requested.get(dbId);
    return asked != null ? asked : CloseReason.EXTERNAL;
  }

  /**
   * The reason once the venue's history names the order that closed the position: one of its own
   * stops makes it STOP_LOSS / TRAILING_STOP, whatever was asked for meanwhile; an order that is
   * none of its own (no client id: closed by hand on the venue's screen, liquidated; another
   * program's id) makes it EXTERNAL, even while a close of ours was asked for: that close did not
   * end it (its order was refused, still in doubt, or never sent), and the audit trail must not
   * tell the trader the keeper closed a position someone else closed.
   */
  private CloseReason refined(Position.Stored before, CloseReason reason, PositionExit exit) {
    Optional<ClientOrderId> closing = exit.closingClientId();
    if (closing.filter(id -> isStopOf(before, id)).isPresent()) {
      return stopReason(before.dbId());
    }
    boolean byItsClose =
        closing.filter(id -> ClientIds.isCloseOf(before.entryOrderId(), id)).isPresent();
    return byItsClose || reason == CloseReason.PHANTOM ? reason : CloseReason.EXTERNAL;
  }

  private CloseReason stopReason(long dbId) {
    return trailing.hasMovedStop(dbId) ? CloseReason.TRAILING_STOP : CloseReason.STOP_LOSS;
  }

  /**
   * Writes the close once: the first caller to take the position out of ACTIVE/CLOSING wins, later
   * ones find nothing to do.
   */
  void finalizeClose(Position.Stored before, CloseReason given, Optional<Position.Fill> exit) {
    CloseReason reason = given;
    PositionKey key = before.key();
    long dbId = before.dbId();
    Phase from =
        book.get(key).filter(p -> p.id().equals(before.id())).map(Position::phase).orElse(null);
    if (from != Phase.ACTIVE && from != Phase.CLOSING && from != Phase.PROTECTING) {
      return;
    }
    if (book.transition(key, before.id(), from, Phase.CLOSED).isEmpty()) {
      return;
    }
    requested.remove(dbId);
    // While the position is still in the book no new open can take its key, so its stops are
    // cleaned up before anything else can be placed on the symbol.
    cancelStrayStops(before);
    Optional<BigDecimal> exitPrice =
        exit.map(Position.Fill::averagePrice).filter(p -> p.signum() > 0);
    Optional<BigDecimal> pnl =
        exitPrice.map(
            price ->
                exit.map(Position.Fill::realizedPnl)
                    .filter(p -> p.signum() != 0)
                    .orElseGet(() -> pnlOf(before, price, before.quantity())));
    if (exitPrice.isEmpty()) {
      Optional<PositionExit> fromVenue = exitFromHistory(before, clock.now(), true);
      exitPrice = fromVenue.map(PositionExit::averagePrice);
      pnl = fromVenue.map(PositionExit::realizedPnl);
      // The fill event was lost: the trade history names the order that closed it.
      if (fromVenue.isPresent()) {
        reason = refined(before, reason, fromVenue.get());
      }
    }
    owed.put(dbId, new OwedClose(before, exitPrice, pnl, reason, clock.now()));
    try {
      settleOwed(dbId);
    } catch (RuntimeException e) {
      // Recorded by settleOwed; the book keeps the position CLOSED until a retry writes the row.
      log.debug("close of {} owed to the store", dbId);
    }
  }

  /**
   * The exit of a position whose closing fill the stream did not report (closed by hand,
   * liquidated, an order event lost): the venue's trade history says, or it stays unknown. A price
   * is never made up from a mark or the entry.
   */
  private Optional<PositionExit> exitFromHistory(
      Position.Stored before, Instant flatSeenAt, boolean recordFailure) {
    try {
      return LifeExit.read(gatewayOf(before.key()), before, Optional.of(flatSeenAt));
    } catch (PortException e) {
      if (recordFailure) {
        audit.record(
            new AuditEvent.OperationFailed(
                Subject.of(before),
                "exitSince",
                "the exit stays unknown: " + describe(e),
                Severity.WARNING));
      } else {
        log.debug("the exit of {} is still unknown", before.dbId(), e);
      }
      return Optional.empty();
    }
  }

  /**
   * Cancels the stops of an ended position that the venue still holds. True when none is left;
   * otherwise the position stays listed and {@link #settleAllOwed} tries again. Only the ended
   * position's own stops are touched, never another position's on the same symbol.
   */
  public boolean cancelStrayStops(Position.Stored ended) {
    strayStops.put(ended.dbId(), ended);
    ExchangeGateway gateway = gatewayOf(ended.key());
    Subject subject = Subject.of(ended);
    try {
      for (StopOrder stop : gateway.openStopLosses(ended.key().symbol())) {
        if (!stop.status().isFinal() && isStopOf(ended, stop.clientId())) {
          gateway.cancelStopLoss(stop.symbol(), stop.clientId());
          audit.record(
              subject,
              () -> new AuditEvent.StopCancelled(subject, stop.clientId(), "position ended"));
        }
      }
      strayStops.remove(ended.dbId());
      return true;
    } catch (PortException e) {
      log.warn("the stops of ended position {} could not be cancelled yet", ended.dbId(), e);
      audit.record(
          new AuditEvent.OperationFailed(
              subject, "cancelStop", "retried: " + describe(e), Severity.WARNING));
      return false;
    }
  }

  /** Whether {@code candidate} is one of the position's stops: named by it, or made for it. */
  public static boolean isStopOf(Position.Stored ended, ClientOrderId candidate) {
    return ended.stopId().equals(Optional.of(candidate))
        || ClientIds.isStopOf(ended.entryOrderId(), ended.dbId(), candidate);
  }

  /** A close the venue made and the store has not taken yet. */
  private record OwedClose(
      Position.Stored before,
      Optional<BigDecimal> exitPrice,
      Optional<BigDecimal> realizedPnl,
      CloseReason reason,
      java.time.Instant at) {}

  /**
   * Writes the close of {@code dbId} this closer still owes the store, if any: the exit the venue
   * made, never one made up later. True when the row is closed now; false when nothing is owed.
   *
   * @throws PortException when the store refuses or cannot be reached (the close stays owed)
   */
  public boolean settleOwed(long dbId) {
    OwedClose owedClose = owed.get(dbId);
    if (owedClose == null) {
      return false;
    }
    if (owedClose.exitPrice().isEmpty() && owedClose.reason() != CloseReason.PHANTOM) {
      // Only a phantom's exit may stay unknown: ask the venue's trade history again rather than
      // write a close the store refuses (or make one up).
      Optional<PositionExit> exit = exitFromHistory(owedClose.before(), owedClose.at(), false);
      if (exit.isEmpty()) {
        return false;
      }
      owedClose =
          new OwedClose(
              owedClose.before(),
              Optional.of(exit.get().averagePrice()),
              Optional.of(exit.get().realizedPnl()),
              refined(owedClose.before(), owedClose.reason(), exit.get()),
              owedClose.at());
      owed.put(dbId, owedClose);
    }
    Position before = owedClose.before();
    Subject subject = Subject.of(before);
    try {
      store.close(
          dbId,
          new PositionClose(
              owedClose.exitPrice(), owedClose.realizedPnl(), owedClose.reason(), owedClose.at()),
          audit.toRecord(
              new AuditEvent.PositionClosed(
                  subject, owedClose.reason(), owedClose.exitPrice(), owedClose.realizedPnl())));
    } catch (RuntimeException e) {
      // A driver's bug may strike after the commit just as a lost answer does: the row decides.
      if (!closedInStore(store, dbId)) {
        log.error("closing position {} in the store failed; it is retried", dbId, e);
        audit.record(
            new AuditEvent.OperationFailed(subject, "close", failure(e), Severity.CRITICAL));
        throw e;
      }
      // An earlier attempt whose commit answer was lost wrote the close after all (the store
      // refuses a second one): the row is closed, so the close is no longer owed.
      log.warn("position {} was already closed in the store; its close is settled", dbId);
    }
    owed.remove(dbId);
    try {
      trailing.stop(dbId);
    } catch (PortException e) {
      audit.record(
          new AuditEvent.OperationFailed(subject, "trailing.stop", describe(e), Severity.ERROR));
    }
    book.remove(before.key(), before.id());
    return true;
  }

  /**
   * Whether {@code store} already holds {@code dbId} closed, read after a close that failed: a
   * commit whose answer was lost may have written it. False when the store cannot say (the failure
   * that led here is then reported as it is).
   */
  public static boolean closedInStore(PositionStore store, long dbId) {
    try {
      return store.find(dbId).map(r -> !r.status().isOpen()).orElse(false);
    } catch (RuntimeException e) {
      log.debug("position {} could not be read back after a failed close", dbId, e);
      return false;
    }
  }

  /**
   * Retries every close the store has not taken yet and every stop cleanup the venue did not
   * confirm; returns how many closes are still owed.
   */
  public int settleAllOwed() {
    // A request whose row left the book without this closer (reconciliation closed it as a
    // phantom) is dropped, so what it holds stays bounded by the open rows.
    requested
        .keySet()
        .removeIf(
            dbId ->
                book.all().stream()
                    .noneMatch(p -> p instanceof Position.Stored s && s.dbId() == dbId));
    for (Position.Stored ended : List.copyOf(strayStops.values())) {
      cancelStrayStops(ended);
    }
    for (long dbId : List.copyOf(owed.keySet())) {
      try {
        settleOwed(dbId);
      } catch (RuntimeException e) {
        // Recorded by settleOwed; the next run tries again.
        log.debug("close of {} still owed", dbId);
      }
    }
    return owed.size();
  }

  /** A fresh close order id for the position opened by {@code entry}. */
  public ClientOrderId nextCloseId(ClientOrderId entry) {
    return closeIds.next(entry);
  }

  private static String failure(RuntimeException e) {
    return e instanceof PortException port ? describe(port) : unexpected(e);
  }

  private static BigDecimal pnlOf(Position p, BigDecimal exitPrice, BigDecimal quantity) {
    return exitPrice
        .subtract(p.entryPrice())
        .multiply(quantity)
        .multiply(BigDecimal.valueOf(p.side().sign()));
  }

  private ExchangeGateway gatewayOf(PositionKey key) {
    ExchangeGateway g = gateways.get(key.exchange());
    if (g == null) {
      throw new IllegalStateException("no gateway for " + key.exchange());
    }
    return g;
  }
}
