package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.domain.venue.Failures;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles a stop move whose answer did not say what happened (a lost response, a refusal because
 * the old stop is gone) by reading the venue, never by sending the move again: the replacement may
 * be working while the manager still names the old stop, and every later move of the old one would
 * then be refused, freezing the trailing stop where the lost move left it.
 */
final class MoveSettlement {
  private static final Logger log = LoggerFactory.getLogger(MoveSettlement.class);

  /** What the venue shows after a move in doubt. */
  sealed interface Outcome {
    /** The old stop is still the one that counts: the move did not happen (extras cancelled). */
    record Unchanged() implements Outcome {}

    /** This replacement of ours works and counts (the old one, if still there, was cancelled). */
    record Replaced(StopOrder stop) implements Outcome {}

    /** None of ours works: the position is reconciliation's to protect. */
    record None() implements Outcome {}

    /** The venue could not be read: still in doubt; the next move or reconciliation reads again. */
    record Unknown(String reason) implements Outcome {}
  }

  private final ExchangeGateway gateway;

  MoveSettlement(ExchangeGateway gateway) {
    this.gateway = gateway;
  }

  Outcome settle(StopOrder current, PositionSide side, ClientOrderId entry, long dbId) {
    List<StopOrder> ours = new ArrayList<>();
    try {
      for (StopOrder s : gateway.openStopLosses(current.symbol())) {
        if (!s.status().isFinal()
            && s.positionSide() == side
            && (s.clientId().equals(current.clientId())
                || ClientIds.isStopOf(entry, dbId, s.clientId()))) {
          ours.add(s);
        }
      }
    } catch (PortException e) {
      return new Outcome.Unknown(e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      // Outside the port's answers (a driver or parse bug): the venue was not read, so the move
      // stays in doubt for the next move or reconciliation to read again, as for a refusal.
      log.error("reading the stops of {} to settle a move failed unexpectedly", current, e);
      return new Outcome.Unknown(Failures.unexpected(e));
    }
    if (ours.isEmpty()) {
      return new Outcome.None();
    }
    // The tightest of ours stays, whichever it is: a replacement placed with its cancel half lost
    // is the move done; an old stop tighter than a stray replacement is the move not done.
    List<StopOrder> tightestFirst = ours.stream().sorted(tightestFirst(side)).toList();
    StopOrder keep = tightestFirst.get(0);
    cancelAll(tightestFirst.subList(1, tightestFirst.size()));
    // Bybit amends its one stop in place under the same id: the same id at another level is the
    // move done, and the level the venue holds must be the one recorded (else a restart trails
    // from the old level and can move the stop back, looser than the venue's).
    boolean untouched =
        keep.clientId().equals(current.clientId())
            && keep.triggerPrice().compareTo(current.triggerPrice()) == 0;
    return untouched ? new Outcome.Unchanged() : new Outcome.Replaced(keep);
  }

  private static Comparator<StopOrder> tightestFirst(PositionSide side) {
    Comparator<StopOrder> byTrigger = Comparator.comparing(StopOrder::triggerPrice);
    return switch (side) {
      case LONG -> byTrigger.reversed();
      case SHORT -> byTrigger;
    };
  }

  /** One stop per position: replacements beside the one that works go (a failure is retried). */
  private void cancelAll(List<StopOrder> extra) {
    for (StopOrder s : extra) {
      try {
        gateway.cancelStopLoss(s.symbol(), s.clientId());
      } catch (PortException e) {
        log.warn("cancelling the extra stop {} failed; the next settlement retries", s, e);
      } catch (RuntimeException e) {
        // A bug in the cancel's answer must not lose which stop counts, which the caller records:
        // the extra stop, cancelled or not, is read again and cancelled by the next settlement or
        // by reconciliation.
        log.error("cancelling the extra stop {} failed unexpectedly; it is read again later", s, e);
      }
    }
  }

  static Optional<StopOrder> replaced(Outcome o) {
    return o instanceof Outcome.Replaced r ? Optional.of(r.stop()) : Optional.empty();
  }
}
