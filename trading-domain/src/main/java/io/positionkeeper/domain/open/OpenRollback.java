package io.positionkeeper.domain.open;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.instrument.Price;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.retry.Retries;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.domain.venue.Orders;
import io.positionkeeper.domain.venue.StopPlacement;
import io.positionkeeper.domain.venue.VenuePositions;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes an opening, in reverse: close what may have filled, then (only once the venue is flat)
 * cancel the stop, mark the row rolled back and remove the registration. A position the venue still
 * holds is never stripped of its stop and never forgotten: it keeps (or gets) a stop, and a stored
 * one stays ACTIVE for reconciliation and the trader to see. Every step runs and is recorded
 * whatever the previous ones did.
 *
 * <p>Not final: a test of this package subclasses it to put an old rollback back (see {@link
 * RollbackFactory}); the keeper only ever builds this one.
 */
class OpenRollback {
  private static final Logger log = LoggerFactory.getLogger(OpenRollback.class);

  private final PositionStore store;
  private final PositionBook book;
  private final AuditTrail audit;
  private final TrailingStops trailing;
  private final PositionCloser closer;
  private final StopPlacement stops;
  private final Clock clock;
  private final OpenPolicy policy;

  OpenRollback(
      PositionStore store,
      PositionBook book,
      AuditTrail audit,
      TrailingStops trailing,
      PositionCloser closer,
      StopPlacement stops,
      Clock clock,
      OpenPolicy policy) {
    this.store = Objects.requireNonNull(store, "store");
    this.book = Objects.requireNonNull(book, "book");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.trailing = Objects.requireNonNull(trailing, "trailing");
    this.closer = Objects.requireNonNull(closer, "closer");
    this.stops = Objects.requireNonNull(stops, "stops");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** What the venue holds after the fill was closed. */
  private sealed interface Venue {
    record Flat(String detail) implements Venue {}

    record StillOpen(String detail) implements Venue {}
  }

  OpenResult.Failed undo(OpenAttempt a, String stage, String reason) {
    List<String> failures = new ArrayList<>();
    // Take the row out of the stream's hands: the flat event of our own close is not a "close".
    a.dbId.ifPresent(dbId -> leaveOwner(a, Phase.ROLLED_BACK));
    Venue venue =
        a.venueMayHoldAPosition() ? closeFilled(a, failures) : new Venue.Flat("nothing was filled");
    switch (venue) {
      case Venue.Flat flat -> undoAll(a, reason, failures);
      case Venue.StillOpen open -> keepProtected(a, open.detail(), failures);
    }
    return new OpenResult.Failed(stage, reason, failures);
  }

  void undoAll(OpenAttempt a, String reason, List<String> failures) {
    a.stop.ifPresent(
        stop ->
            step(
                a,
                failures,
                "cancel-stop",
                () -> {
                  Retries.idempotent(
                      clock,
                      policy.stopDeadline(),
                      policy.backoff(),
                      () -> a.gateway.cancelStopLoss(stop.symbol(), stop.clientId()));
                  return "cancelled " + stop.clientId();
                }));
    a.dbId.ifPresent(
        dbId ->
            step(
                a,
                failures,
                "mark-row-rolled-back",
                () -> {
                  AuditRecord rolledBack =
                      audit.toRecord(
                          a.subject(), () -> new AuditEvent.RolledBack(a.subject(), reason));
                  Retries.idempotent(
                      clock,
                      policy.stopDeadline(),
                      policy.backoff(),
                      () -> store.markRolledBack(dbId, reason, rolledBack));
                  Retries.idempotent(
                      clock, policy.stopDeadline(), policy.backoff(), () -> trailing.stop(dbId));
                  return "row " + dbId + " rolled back";
                }));
    step(
        a,
        failures,
        "remove-from-book",
        () ->
            book.remove(a.key, a.id())
                .map(p -> "removed " + p.correlationKey())
                .orElse("already gone"));
  }

  /**
   * The venue still holds (or may hold) the position: it keeps its stop, or gets one; a stored
   * position stays ACTIVE in the book and the store; one with no row leaves the book so that
   * reconciliation adopts it, stop and all.
   */
  void keepProtected(OpenAttempt a, String why, List<String> failures) {
    if (a.stop.isEmpty()) {
      step(
          a,
          failures,
          "protect-leftover",
          () -> {
            StopOrder stop = placeLeftoverStop(a);
            a.stop = Optional.of(stop);
            return "stop " + stop.clientId() + " at " + stop.triggerPrice().toPlainString();
          });
    }
    String protection =
        a.stop.map(s -> "protected by stop " + s.clientId()).orElse("WITHOUT A STOP-LOSS");
    failures.add("the venue may still hold the position (" + why + "); it is kept, " + protection);
    if (a.dbId.isPresent()) {
      long dbId = a.dbId.get();
      step(
          a,
          failures,
          "keep-row-active",
          () -> {
            leaveOwner(a, Phase.ACTIVE);
            a.stop.ifPresent(stop -> recordKeptStop(a, dbId, stop));
            return "row " + dbId + " stays ACTIVE";
          });
    } else {
      step(
          a,
          failures,
          "hand-over-to-reconciliation",
          () ->
              book.remove(a.key, a.id())
                  .map(p -> "no row: reconciliation adopts " + a.key)
                  .orElse("already gone"));
    }
    if (a.stop.isEmpty()) {
      log.error("EMERGENCY: {} may be open without a stop-loss after a failed opening", a.key);
    }
  }

  private StopOrder placeLeftoverStop(OpenAttempt a) {
    var target =
        new StopPlacement.Target(
            a.gateway, a.intent.symbol(), a.intent.side(), a::nextStopId, a.subject());
    var price =
        a.instrument.stopLossFor(
            a.intent.side(), new Price(markOrEntry(a)), a.intent.stopLossPercent());
    return switch (stops.place(target, price)) {
      case StopPlacement.Outcome.Placed placed -> placed.stop();
      case StopPlacement.Outcome.Failed failed -> throw new IllegalStateException(failed.reason());
      case StopPlacement.Outcome.Crossed crossed ->
          throw new IllegalStateException(crossed.reason());
    };
  }

  private BigDecimal markOrEntry(OpenAttempt a) {
    return book.get(a.key)
        .filter(p -> p.id().equals(a.id()))
        .flatMap(p -> p.entryPrice().signum() > 0 ? Optional.of(p.entryPrice()) : p.markPrice())
        .orElseGet(() -> a.gateway.markPrice(a.intent.symbol()).price());
  }

  private void recordKeptStop(OpenAttempt a, long dbId, StopOrder stop) {
    // The book follows the venue first: the stop works whatever the store answers, and the
    // stream's news of its cancellation is news for this position only while the book names it
    // (reconciliation records it on the row later when this write fails).
    book.recordStop(a.key, a.id(), stop.clientId());
    store.recordStop(
        dbId,
        stop.clientId(),
        stop.triggerPrice(),
        audit.toRecord(
            a.subject(),
            () ->
                new AuditEvent.StopPlaced(
                    a.subject(), stop.clientId(), stop.triggerPrice(), 1, "kept after rollback")));
  }

  /** Moves the stored position out of whatever phase the opener had it in. */
  private void leaveOwner(OpenAttempt a, Phase to) {
    if (a.inBook.isEmpty()) {
      return; // never promoted: the book still holds the pending registration
    }
    for (Phase from : List.of(Phase.PROTECTING, Phase.ACTIVE, Phase.ROLLED_BACK)) {
      if (from != to && book.transition(a.key, a.inBook.get(), from, to).isPresent()) {
        return;
      }
    }
  }

  /**
   * Closes what the entry may have filled with reduce-only orders (which can never open anything),
   * then asks the venue whether it is flat: only the venue's position list says so.
   */
  private Venue closeFilled(OpenAttempt a, List<String> failures) {
    String name = "close-filled-quantity";
    try {
      Venue venue = closeAtMarket(a);
      boolean flat = venue instanceof Venue.Flat;
      String detail =
          switch (venue) {
            case Venue.Flat f -> f.detail();
            case Venue.StillOpen o -> o.detail();
          };
      if (!flat) {
        failures.add(name + ": " + detail);
      }
      audit.record(a.subject(), () -> new AuditEvent.RollbackStep(a.subject(), name, flat, detail));
      return venue;
    } catch (RuntimeException e) {
      String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
      log.error("rollback step {} of {} failed", name, a.key, e);
      failures.add(name + ": " + detail);
      audit.record(
          a.subject(), () -> new AuditEvent.RollbackStep(a.subject(), name, false, detail));
      return new Venue.StillOpen(detail);
    }
  }

  private Venue closeAtMarket(OpenAttempt a) {
    Optional<BigDecimal> open = openSizeOnExchange(a);
    if (open.isPresent() && open.get().signum() == 0) {
      return new Venue.Flat("nothing to close: the position list shows no position");
    }
    BigDecimal quantity = open.orElse(a.filled.signum() > 0 ? a.filled : a.requested);
    List<String> refusals = new ArrayList<>();
    for (int attempt = 1; attempt <= policy.emergencyCloseAttempts(); attempt++) {
      ClientOrderId closeId = closer.nextCloseId(a.entryId);
      var request =
          new MarketOrderRequest(
              a.intent.symbol(), a.intent.side().exitSide(), quantity, closeId, true);
      switch (Orders.place(a.gateway, request, clock, policy.orderDeadline())) {
        case Orders.Placement.Placed placed -> {
          OrderReport report = placed.report();
          String filled =
              "closed "
                  + report.filledQuantity().toPlainString()
                  + " at "
                  + report.averagePrice().toPlainString();
          // This close id was never used before, so its report is this order's own. A reduce-only
          // order filled for all that may have been opened leaves nothing behind.
          if (report.status() == OrderStatus.FILLED
              && report.filledQuantity().compareTo(quantity) >= 0) {
            return new Venue.Flat(filled);
          }
          if (streamSaysClosedBy(a, closeId)) {
            return new Venue.Flat(filled + "; the stream reported the close filled and flat");
          }
          Optional<BigDecimal> after = openSizeOnExchange(a);
          if (after.isPresent() && after.get().signum() == 0) {
            return new Venue.Flat(filled);
          }
          refusals.add(
              filled
                  + after
                      .map(s -> "; the venue still holds " + s.toPlainString())
                      .orElse("; the venue could not confirm it is flat"));
          quantity = after.orElse(quantity);
        }
        case Orders.Placement.Refused refused ->
            refusals.add(refused.code() + " " + refused.reason());
        case Orders.Placement.Unresolved unresolved ->
            refusals.add("unknown: " + unresolved.reason());
      }
    }
    return new Venue.StillOpen("close failed " + refusals.size() + " times: " + refusals);
  }

  /** Whether the stream reported this close order filled and the position flat. */
  private boolean streamSaysClosedBy(OpenAttempt a, ClientOrderId closeId) {
    return book.get(a.key)
        .filter(p -> p.id().equals(a.id()) && p.quantity().signum() == 0)
        .flatMap(p -> p.exitFill())
        .filter(f -> f.orderId().equals(closeId) && f.status() == OrderStatus.FILLED)
        .isPresent();
  }

  private Optional<BigDecimal> openSizeOnExchange(OpenAttempt a) {
    return VenuePositions.openSize(
        a.gateway,
        a.intent.symbol(),
        a.intent.side(),
        clock,
        policy.orderDeadline(),
        policy.backoff());
  }

  private interface Step {
    String run();
  }

  private void step(OpenAttempt a, List<String> failures, String name, Step step) {
    try {
      String detail = step.run();
      audit.record(a.subject(), () -> new AuditEvent.RollbackStep(a.subject(), name, true, detail));
    } catch (RuntimeException e) {
      // Recorded, reported in the result, and the next step still runs.
      log.error("rollback step {} of {} failed", name, a.key, e);
      String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
      failures.add(name + ": " + detail);
      audit.record(
          a.subject(), () -> new AuditEvent.RollbackStep(a.subject(), name, false, detail));
    }
  }
}
