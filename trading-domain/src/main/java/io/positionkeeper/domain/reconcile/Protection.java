package io.positionkeeper.domain.reconcile;

import static io.positionkeeper.domain.venue.Failures.describe;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.instrument.Price;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.trailing.TrailingRule;
import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.domain.venue.StopPlacement;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a stored position its stop-loss: takes over one already working, or places one through the
 * same {@link StopPlacement} the opener uses, and records it on the row, in the book and with the
 * trailing stop. A position that cannot be protected is closed at market.
 */
final class Protection {
  private static final Logger log = LoggerFactory.getLogger(Protection.class);

  /**
   * Placements of the tightest stop beyond the mark, each against a fresh read of the mark: a mark
   * racing away outruns a few, and the close is tried again at the next run.
   */
  private static final int TIGHTEST_STOP_ATTEMPTS = 3;

  private final ReconcileContext c;
  private final StopPlacement stops;

  Protection(ReconcileContext c) {
    this.c = c;
    this.stops =
        new StopPlacement(c.audit(), c.clock(), c.policy().stopDeadline(), c.policy().backoff());
  }

  /** A stored, open position whose stop is gone from the venue. */
  ActionOutcome replaceStop(ReconcileAction.ReplaceStop a) {
    PositionRecord row = a.row();
    if (c.closer().isUnderway(row.id())) {
      // A stop placed now would outlive the position the close is ending. Deferred, not skipped:
      // the close may yet be refused, and the position then stands without a stop until a run
      // that is still owed re-protects it, not one a reconciliation period later.
      return ActionOutcome.deferred(a, "its close is being sent; the next run decides");
    }
    Instrument instrument = c.instrument(row.symbol());
    // The row keeps the first stop; the trailing rule may hold a tighter one. Re-protecting at the
    // row's level would loosen the stop the trader already had.
    // The trailing rule's level only counts when it trails this side: after a net flip it still
    // names the old side's level until the new side's stop is placed and trailing starts over.
    Optional<BigDecimal> trigger =
        a.side() == row.side()
            ? tighterOf(a.side(), a.trigger(), c.trailing().trailedStop(row.id(), a.side()))
            : a.trigger();
    Price stop =
        trigger
            .map(t -> instrument.roundStop(a.side(), t))
            .orElseGet(
                () ->
                    instrument.stopLossFor(
                        a.side(), new Price(a.entryPrice()), c.policy().defaultStopLossPercent()));
    Subject subject = c.subjectOf(row);
    return protect(
        a,
        c.key(row.symbol()),
        row.id(),
        subject,
        a.side(),
        stop,
        "replaced: none working on the exchange",
        placed -> cancelOtherSide(a, subject, placed));
  }

  /**
   * The old side's stops of a position whose net side flipped, cancelled once the new side's stop
   * works (never before: until then they are all the position has, useless as they are). One that
   * cannot be cancelled now goes as an extra stop in the next run.
   */
  private void cancelOtherSide(ReconcileAction.ReplaceStop a, Subject subject, StopOrder placed) {
    for (StopOrder old : a.otherSide()) {
      try {
        c.read(
            () -> {
              c.gateway().cancelStopLoss(old.symbol(), old.clientId());
              return old;
            });
        c.audit()
            .record(
                subject,
                () ->
                    new AuditEvent.StopCancelled(
                        subject,
                        old.clientId(),
                        "other side: " + placed.clientId() + " protects the " + a.side()));
      } catch (PortException e) {
        log.warn("the old side's stop {} on {} stays for the next run", old.clientId(), a.symbol());
        c.audit()
            .record(
                new AuditEvent.OperationFailed(
                    subject, "cancelStopLoss", describe(e), Severity.WARNING));
      }
    }
  }

  private static Optional<BigDecimal> tighterOf(
      PositionSide side, Optional<BigDecimal> a, Optional<BigDecimal> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.map(x -> TrailingRule.tighter(side, a.get(), x)).or(() -> a);
  }

  /** Places a new stop at {@code trigger} for row {@code dbId}. */
  ActionOutcome protect(
      ReconcileAction action,
      PositionKey key,
      long dbId,
      Subject subject,
      PositionSide side,
      Price trigger,
      String context) {
    return protect(action, key, dbId, subject, side, trigger, context, placed -> {});
  }

  private ActionOutcome protect(
      ReconcileAction action,
      PositionKey key,
      long dbId,
      Subject subject,
      PositionSide side,
      Price trigger,
      String context,
      Consumer<StopOrder> whenWorking) {
    Instant started = c.clock().now();
    int[] attempt = {0};
    var target =
        new StopPlacement.Target(
            c.gateway(),
            key.symbol(),
            side,
            () -> ClientIds.reconcileStop(dbId, started, ++attempt[0]),
            subject);
    return switch (stops.place(target, trigger)) {
      case StopPlacement.Outcome.Placed placed -> {
        // Recorded first, so that the book names the new stop when the stream reports what
        // whenWorking cancels: the cancel of a stop the book no longer relies on is no news.
        ActionOutcome recorded =
            recordProtection(action, key, dbId, subject, placed.stop(), placed.attempts(), context);
        whenWorking.accept(placed.stop());
        yield recorded;
      }
      case StopPlacement.Outcome.Failed failed ->
          unprotected(action, key, subject, failed.reason());
      case StopPlacement.Outcome.Crossed crossed ->
          crossed(action, key, dbId, subject, side, crossed.reason(), target, whenWorking);
    };
  }

  /**
   * The venue refused the level because its mark is already beyond it: the rule has fired, so the
   * position is closed at market. While that close cannot go out the position still needs a stop,
   * and the only ones left are beyond the mark: it gets the tightest the venue takes ({@link
   * Instrument#tightestStopBeyond}), read against the venue's own mark. A mark that moved on
   * between the read and the placement makes that level crossed too; it is read again, a bounded
   * number of times.
   */
  private ActionOutcome crossed(
      ReconcileAction action,
      PositionKey key,
      long dbId,
      Subject subject,
      PositionSide side,
      String why,
      StopPlacement.Target target,
      Consumer<StopOrder> whenWorking) {
    List<String> failures = new ArrayList<>();
    Optional<ActionOutcome> closed = closeAtMarket(action, key, subject, why, failures);
    if (closed.isPresent()) {
      return closed.get();
    }
    Instrument instrument = c.instrument(key.symbol());
    String last = why;
    attempts:
    for (int attempt = 1; attempt <= TIGHTEST_STOP_ATTEMPTS; attempt++) {
      BigDecimal mark;
      try {
        mark = c.read(() -> c.gateway().markPrice(key.symbol())).price();
      } catch (PortException e) {
        last = "reading the venue's mark failed: " + describe(e);
        break;
      }
      Price level = instrument.tightestStopBeyond(side, mark);
      String context =
          "tightest the venue takes, mark "
              + mark.toPlainString()
              + ": the rule's level is crossed ("
              + why
              + ") and the exit at market failed";
      switch (stops.place(target, level)) {
        case StopPlacement.Outcome.Placed placed -> {
          log.warn("{}: stop {} at {}; {}", key, placed.stop().clientId(), level, context);
          ActionOutcome recorded =
              recordProtection(
                  action, key, dbId, subject, placed.stop(), placed.attempts(), context);
          whenWorking.accept(placed.stop());
          return recorded;
        }
        case StopPlacement.Outcome.Crossed again -> last = again.reason();
        case StopPlacement.Outcome.Failed failed -> {
          last = failed.reason();
          break attempts;
        }
      }
    }
    return emergency(
        action, key, subject, why + "; the tightest stop failed too: " + last, failures);
  }

  /** The stop of {@code side} already working on {@code symbol}, if the venue shows one. */
  Optional<StopOrder> workingStop(Symbol symbol, PositionSide side) {
    return c.read(() -> c.gateway().openStopLosses(symbol)).stream()
        .filter(s -> !s.status().isFinal() && s.positionSide() == side)
        .findFirst();
  }

  /** Records a working stop on the row, in the book and with the trailing stop. */
  ActionOutcome recordProtection(
      ReconcileAction action,
      PositionKey key,
      long dbId,
      Subject subject,
      StopOrder stop,
      int attempt,
      String context) {
    ClientOrderId stopId = stop.clientId();
    // The book and the trailing stop follow the venue first: the stop works whatever the store
    // answers, and the stream's news of its cancellation must be news for this position even
    // when the row's write failed (reconciliation records it on the row later).
    Optional<Position> protectedPosition =
        c.book()
            .get(key)
            .filter(p -> p instanceof Position.Stored stored && stored.dbId() == dbId)
            .flatMap(p -> c.book().recordStop(key, p.id(), stopId));
    try {
      protectedPosition.ifPresent(p -> c.trailing().onStopPlaced(p, dbId, stop));
    } catch (PortException e) {
      c.audit()
          .record(
              new AuditEvent.OperationFailed(
                  subject, "trailing.onStopPlaced", describe(e), Severity.WARNING));
    }
    try {
      c.store()
          .recordStop(
              dbId,
              stopId,
              stop.triggerPrice(),
              c.audit()
                  .toRecord(
                      new AuditEvent.StopPlaced(
                          subject, stopId, stop.triggerPrice(), attempt, context)));
    } catch (PortException e) {
      log.error("stop {} of #{} is working but recording it failed", stopId, dbId, e);
      c.audit()
          .record(
              new AuditEvent.OperationFailed(
                  subject,
                  "recordStop",
                  "stop " + stopId + " works on the exchange; " + describe(e),
                  Severity.ERROR));
      return ActionOutcome.failed(
          action,
          "stop " + stopId + " works on the exchange, but recording it failed: " + describe(e));
    }
    return ActionOutcome.applied(
        action, "stop " + stopId + " at " + stop.triggerPrice().toPlainString());
  }

  /** The stop could not be placed: close at market, never leave the position unprotected. */
  private ActionOutcome unprotected(
      ReconcileAction action, PositionKey key, Subject subject, String why) {
    List<String> failures = new ArrayList<>();
    return closeAtMarket(action, key, subject, why, failures)
        .orElseGet(() -> emergency(action, key, subject, why, failures));
  }

  /**
   * The emergency close at market, a few attempts: the outcome when it closed the position or
   * someone else is closing it; empty, with each attempt's failure added to {@code failures}, when
   * the position is still open.
   */
  private Optional<ActionOutcome> closeAtMarket(
      ReconcileAction action, PositionKey key, Subject subject, String why, List<String> failures) {
    // Each failed attempt is already in the trail, recorded where it was made.
    for (int attempt = 1; attempt <= c.policy().emergencyCloseAttempts(); attempt++) {
      switch (c.closer().close(key, CloseReason.EMERGENCY)) {
        case PositionCloser.CloseOutcome.Closed closed -> {
          String detail =
              "no stop-loss ("
                  + why
                  + "); closed at market at "
                  + closed.exitPrice().toPlainString();
          c.audit().record(new AuditEvent.EmergencyClose(subject, why, true, detail));
          return Optional.of(ActionOutcome.failed(action, detail));
        }
        case PositionCloser.CloseOutcome.StillOpen open ->
            failures.add("attempt " + attempt + ": " + open.detail());
        case PositionCloser.CloseOutcome.Failed failed ->
            failures.add("attempt " + attempt + ": " + failed.reason());
        case PositionCloser.CloseOutcome.Underway underway -> {
          // Whoever is closing it reports how that ended; a second close order would only race it.
          return Optional.of(
              ActionOutcome.deferred(
                  action, "no stop-loss (" + why + "); its close is already being sent"));
        }
      }
    }
    return Optional.empty();
  }

  /** Neither a stop nor the close: the position may be open unprotected, said loudly. */
  private ActionOutcome emergency(
      ReconcileAction action, PositionKey key, Subject subject, String why, List<String> failures) {
    String detail = "no stop-loss (" + why + ") and the emergency close failed: " + failures;
    c.audit()
        .record(new AuditEvent.EmergencyClose(subject, why, false, String.join("; ", failures)));
    log.error("EMERGENCY: {} may be open without a stop-loss: {}", key, detail);
    return ActionOutcome.failed(action, detail);
  }
}
