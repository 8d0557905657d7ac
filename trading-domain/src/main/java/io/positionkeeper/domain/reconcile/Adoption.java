package io.positionkeeper.domain.reconcile;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Price;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionAlreadyOpenException;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.venue.Orders;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is done with a position the venue holds and no row knows: adopted (a row from its real
 * opening order, then protected), left alone and recorded once, or closed at market, as the policy
 * says.
 */
final class Adoption {
  private static final Logger log = LoggerFactory.getLogger(Adoption.class);

  private final ReconcileContext c;
  private final Protection protection;
  // What was last recorded about a missing position left on the exchange, so a periodic run does
  // not record the same finding every minute.
  private final Map<PositionKey, String> reported = new ConcurrentHashMap<>();

  Adoption(ReconcileContext c, Protection protection) {
    this.c = c;
    this.protection = protection;
  }

  ActionOutcome adopt(ReconcileAction.AdoptMissing a) {
    ExchangePosition p = a.position();
    PositionSide side = p.side().orElseThrow();
    PositionKey key = c.key(p.symbol());
    Optional<ExchangeOrderId> orderId = c.read(() -> c.gateway().openingOrderId(p.symbol(), side));
    if (orderId.isEmpty()) {
      // An invented order id (like "ORBS/USDT:USDT_0") once hid where a position came from: without
      // the real one, no row.
      String detail =
          "no opening order in the exchange's order or trade history: not adopted, and not"
              + " protected by us; protect or close it by hand";
      log.error("{} {} {} {}: {}", key.exchange(), p.symbol(), side, p.size(), detail);
      recordMissingOnce(key, p, MissingPositionPolicy.ADOPT_AND_PROTECT.name(), detail);
      return ActionOutcome.failed(a, detail);
    }
    if (p.entryPrice().signum() <= 0) {
      return ActionOutcome.failed(a, "the exchange reports no entry price; not adopted");
    }
    Instant now = c.clock().now();
    long dbId = insert(key, p, side, orderId.get(), now);
    Position.Stored adopted =
        Position.active(
            dbId,
            key,
            side,
            p.size(),
            p.entryPrice(),
            ReconcileIds.adopted(dbId),
            Optional.empty(),
            Phase.ACTIVE,
            now);
    try {
      c.book().load(adopted);
    } catch (PositionAlreadyOpenException e) {
      return ActionOutcome.failed(
          a,
          "adopted as #"
              + dbId
              + ", but the book took another position meanwhile: "
              + e.getMessage());
    }
    Optional<StopOrder> working = protection.workingStop(p.symbol(), side);
    ActionOutcome protectedOutcome =
        working.isPresent()
            ? protection.recordProtection(
                a, key, dbId, Subject.of(adopted), working.get(), 1, "adopted with its stop")
            : protection.protect(
                a,
                key,
                dbId,
                Subject.of(adopted),
                side,
                c.instrument(p.symbol())
                    .stopLossFor(
                        side, new Price(p.entryPrice()), c.policy().defaultStopLossPercent()),
                "adopted");
    return new ActionOutcome(
        a,
        protectedOutcome.status(),
        "adopted as #" + dbId + " with order " + orderId.get() + "; " + protectedOutcome.detail());
  }

  /** The row with its adoption event. */
  private long insert(
      PositionKey key,
      ExchangePosition p,
      PositionSide side,
      ExchangeOrderId orderId,
      Instant now) {
    Subject before = Subject.symbol(key, "adopt-" + orderId.value());
    long dbId;
    try {
      dbId = insertRow(key, p, side, orderId, now, before);
    } catch (PortException e) {
      // A commit whose answer was lost may have written the row: adopt that one, or no later run
      // would (the row exists, so the position is no longer missing) and the book would lack it.
      dbId = writtenAfterAll(key, orderId).orElseThrow(() -> e);
      log.warn("adoption of {} as #{} was written though its answer was lost", key, dbId);
    } catch (RuntimeException e) {
      // Thrown outside the store's taxonomy (a driver's bug reading the answer): the row may be
      // committed all the same, and then the same holds as for a lost answer. A row the book
      // lacks is protected by later runs, but its stop going is no news to the keeper, and the
      // trader cannot close it.
      log.error("adopting {} failed unexpectedly; reading the row back", key, e);
      dbId = writtenAfterAll(key, orderId).orElseThrow(() -> e);
      log.warn("adoption of {} as #{} was written though reading its answer failed", key, dbId);
    }
    reported.remove(key);
    return dbId;
  }

  private long insertRow(
      PositionKey key,
      ExchangePosition p,
      PositionSide side,
      ExchangeOrderId orderId,
      Instant now,
      Subject before) {
    return c.store()
        .insert(
            new NewPosition(
                key.exchange(),
                p.symbol(),
                side,
                p.size(),
                p.entryPrice(),
                orderId,
                Optional.empty(),
                Optional.empty(),
                now),
            c.audit()
                .toRecord(
                    new AuditEvent.PositionAdopted(
                        before, side, p.size(), p.entryPrice(), orderId)));
  }

  /** The open row of {@code key} from {@code orderId}, if the store holds one; empty if unread. */
  private Optional<Long> writtenAfterAll(PositionKey key, ExchangeOrderId orderId) {
    try {
      return c.store().loadOpen().stream()
          .filter(
              r ->
                  r.exchange() == key.exchange()
                      && r.symbol().equals(key.symbol())
                      && r.exchangeOrderId().equals(orderId))
          .map(PositionRecord::id)
          .findFirst();
    } catch (PortException e) {
      log.debug("open rows could not be read back after a failed adoption of {}", key, e);
      return Optional.empty();
    }
  }

  ActionOutcome ignore(ReconcileAction.IgnoreMissing a) {
    ExchangePosition p = a.position();
    boolean recorded =
        recordMissingOnce(
            c.key(p.symbol()), p, MissingPositionPolicy.IGNORE.name(), "left alone by policy");
    return recorded
        ? ActionOutcome.applied(a, "recorded")
        : ActionOutcome.skipped(a, "unchanged since it was recorded");
  }

  ActionOutcome closeMissing(ReconcileAction.CloseMissing a) {
    ExchangePosition p = a.position();
    PositionSide side = p.side().orElseThrow();
    PositionKey key = c.key(p.symbol());
    ClientOrderId closeId = ReconcileIds.closeMissing(key.exchange(), p, c.clock().now());
    var request = new MarketOrderRequest(p.symbol(), side.exitSide(), p.size(), closeId, true);
    Subject subject = Subject.symbol(key, closeId.value());
    ActionOutcome outcome =
        switch (Orders.place(c.gateway(), request, c.clock(), c.policy().callDeadline())) {
          case Orders.Placement.Placed placed ->
              ActionOutcome.applied(
                  a,
                  "closed at market: "
                      + placed.report().status()
                      + " "
                      + placed.report().filledQuantity().toPlainString()
                      + " at "
                      + placed.report().averagePrice().toPlainString());
          case Orders.Placement.Refused refused ->
              ActionOutcome.failed(
                  a, "close order refused: " + refused.code() + " " + refused.reason());
          case Orders.Placement.Unresolved unresolved ->
              ActionOutcome.failed(a, "close order outcome unknown: " + unresolved.reason());
        };
    c.audit()
        .record(
            new AuditEvent.MissingPositionFound(
                subject, side, p.size(), MissingPositionPolicy.CLOSE.name(), outcome.detail()));
    return outcome;
  }

  private boolean recordMissingOnce(
      PositionKey key, ExchangePosition p, String policyName, String detail) {
    String fingerprint =
        policyName + "|" + p.side().orElseThrow() + "|" + p.size().stripTrailingZeros();
    if (fingerprint.equals(reported.put(key, fingerprint))) {
      return false;
    }
    c.audit()
        .record(
            new AuditEvent.MissingPositionFound(
                Subject.symbol(key, "missing-" + p.symbol()),
                p.side().orElseThrow(),
                p.size(),
                policyName,
                detail));
    return true;
  }
}
