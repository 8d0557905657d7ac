package io.positionkeeper.domain.open;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.instrument.Price;
import io.positionkeeper.domain.instrument.Quantity;
import io.positionkeeper.domain.instrument.SizeRejectedException;
import io.positionkeeper.domain.position.ClientIds;
import io.positionkeeper.domain.position.Orders;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionAlreadyOpenException;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionCloser;
import io.positionkeeper.domain.position.PositionId;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.position.Retries;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a position atomically: validate, pre-register, market order, verify the fill, persist,
 * protect with a stop-loss on the exchange, start the trailing stop. Any failure undoes what was
 * done, in reverse; a position that cannot be protected is closed at market. Every step is an audit
 * event. This is the one entry point embedding bots call.
 */
public final class PositionOpener {
  private static final Logger log = LoggerFactory.getLogger(PositionOpener.class);

  private final Map<Exchange, ExchangeGateway> gateways;
  private final PositionStore store;
  private final PositionBook book;
  private final AuditTrail audit;
  private final TrailingStops trailing;
  private final PositionCloser closer;
  private final Clock clock;
  private final OpenPolicy policy;
  private final FillVerifier verifier;

  public PositionOpener(
      Map<Exchange, ExchangeGateway> gateways,
      PositionStore store,
      PositionBook book,
      AuditTrail audit,
      TrailingStops trailing,
      PositionCloser closer,
      Clock clock,
      OpenPolicy policy) {
    this.gateways = new EnumMap<>(gateways);
    this.store = Objects.requireNonNull(store, "store");
    this.book = Objects.requireNonNull(book, "book");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.trailing = Objects.requireNonNull(trailing, "trailing");
    this.closer = Objects.requireNonNull(closer, "closer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.verifier = new FillVerifier(book, clock, policy);
  }

  /** What one opening has done so far: exactly what a rollback must undo. */
  private static final class Progress {
    final OpenIntent intent;
    final PositionKey key;
    final ClientOrderId entryId;
    final ExchangeGateway gateway;
    PositionId id;
    BigDecimal requested = BigDecimal.ZERO;
    BigDecimal filled = BigDecimal.ZERO;
    boolean mayHaveFilled;
    Optional<Long> dbId = Optional.empty();
    Optional<StopOrder> stop = Optional.empty();

    Progress(OpenIntent intent, ClientOrderId entryId, ExchangeGateway gateway) {
      this.intent = intent;
      this.key = intent.key();
      this.entryId = entryId;
      this.gateway = gateway;
    }

    Subject subject() {
      return id == null ? Subject.symbol(key, entryId.value()) : Subject.of(key, id);
    }
  }

  public OpenResult open(OpenIntent intent) {
    ClientOrderId entryId =
        ClientIds.entry(intent.exchange(), intent.symbol(), intent.side(), intent.intentId());
    ExchangeGateway gateway = gateways.get(intent.exchange());
    if (gateway == null) {
      return refuse(intent, entryId, "no gateway is configured for " + intent.exchange());
    }
    Progress progress = new Progress(intent, entryId, gateway);

    // 1. Validate against the instrument's rules, before anything is sent.
    if (book.get(progress.key).isPresent()) {
      return refuse(intent, entryId, "a position is already open on " + progress.key);
    }
    Instrument instrument;
    Price mark;
    Quantity quantity;
    try {
      instrument = new Instrument(gateway.instrument(intent.symbol()));
      mark = new Price(gateway.markPrice(intent.symbol()).price());
      quantity = instrument.quantityFor(intent.size(), intent.sizeUnit(), mark);
    } catch (PortException e) {
      return refuse(
          intent,
          entryId,
          "could not read the rules or mark of " + intent.symbol() + ": " + e.getMessage());
    } catch (SizeRejectedException e) {
      return refuse(intent, entryId, e.getMessage());
    }
    Price stopAtMark = instrument.stopLossFor(intent.side(), mark, intent.stopLossPercent());
    if (stopAtMark.compareTo(mark) == 0) {
      return refuse(
          intent,
          entryId,
          "a stop-loss of "
              + intent.stopLossPercent().toPlainString()
              + " % is within one tick of the price");
    }

    // 2. Pre-register before the order: the stream's fill must find the symbol in the book.
    Position pending;
    try {
      pending = book.preRegister(progress.key, intent.side(), entryId);
    } catch (PositionAlreadyOpenException e) {
      return refuse(intent, entryId, e.getMessage());
    }
    progress.id = pending.id();
    progress.requested = quantity.value();
    audit.record(
        new AuditEvent.PositionPreRegistered(progress.subject(), intent.side(), quantity.value()));
    Instant started = clock.now();

    // 3. The entry order, resolved by query when the answer is ambiguous.
    var request =
        new MarketOrderRequest(
            intent.symbol(), intent.side().entrySide(), quantity.value(), entryId, false);
    OrderReport report;
    switch (Orders.place(gateway, request, clock, policy.orderDeadline())) {
      case Orders.Placement.Placed placed -> {
        report = placed.report();
        audit.record(
            new AuditEvent.EntryOrderPlaced(
                progress.subject(),
                entryId,
                report.orderId(),
                report.status().name(),
                report.filledQuantity(),
                placed.resolvedByQuery()));
      }
      case Orders.Placement.Refused refused -> {
        audit.record(
            new AuditEvent.EntryOrderFailed(progress.subject(), refused.code(), refused.reason()));
        return fail(
            progress, "ORDER", "entry order refused: " + refused.code() + " " + refused.reason());
      }
      case Orders.Placement.Unresolved unresolved -> {
        progress.mayHaveFilled = true;
        audit.record(
            new AuditEvent.EntryOrderFailed(progress.subject(), "UNRESOLVED", unresolved.reason()));
        return fail(progress, "ORDER", "entry order outcome unknown: " + unresolved.reason());
      }
    }

    // 4. Verify the fill: the book (WebSocket), the order's status, the REST position list.
    Verification.Verified verified;
    switch (verifier.verify(
        gateway,
        progress.key,
        (PositionId.Pending) pending.id(),
        intent.side(),
        entryId,
        report,
        started)) {
      case Verification.Verified v -> verified = v;
      case Verification.NotFilled n -> {
        audit.record(new AuditEvent.FillNotVerified(progress.subject(), "NOT_FILLED", n.reason()));
        return fail(progress, "VERIFY", "entry order did not fill: " + n.reason());
      }
      case Verification.Unknown u -> {
        progress.mayHaveFilled = true;
        audit.record(new AuditEvent.FillNotVerified(progress.subject(), "UNKNOWN", u.reason()));
        return fail(progress, "VERIFY", "fill not verified: " + u.reason());
      }
    }
    progress.filled = verified.quantity();
    audit.record(
        new AuditEvent.FillVerified(
            progress.subject(),
            verified.source().name(),
            verified.quantity(),
            verified.averagePrice(),
            verified.elapsed()));

    // 5. Persist, then switch the book entry to its database id so later updates are written.
    long dbId;
    try {
      dbId =
          store.insert(
              new NewPosition(
                  intent.exchange(),
                  intent.symbol(),
                  intent.side(),
                  verified.quantity(),
                  verified.averagePrice(),
                  report.orderId(),
                  Optional.of(entryId),
                  intent.signalId(),
                  clock.now()),
              audit.toRecord(
                  new AuditEvent.PositionCreated(
                      progress.subject(),
                      intent.side(),
                      verified.quantity(),
                      verified.averagePrice(),
                      report.orderId(),
                      intent.signalId())));
    } catch (PortException e) {
      audit.record(
          new AuditEvent.OperationFailed(
              progress.subject(), "insert", describe(e), Severity.ERROR));
      return fail(progress, "PERSIST", "storing the position failed: " + describe(e));
    }
    progress.dbId = Optional.of(dbId);
    Position active =
        book.promote(
            progress.key,
            (PositionId.Pending) pending.id(),
            dbId,
            verified.quantity(),
            verified.averagePrice());
    progress.id = active.id();
    if (active.quantity().compareTo(verified.quantity()) != 0) {
      // The stream reported more fills between verification and promotion: store what is true.
      try {
        store.updatePosition(
            dbId,
            active.side(),
            active.quantity(),
            active.entryPrice(),
            audit.toRecord(
                new AuditEvent.PositionUpdated(
                    progress.subject(),
                    active.side(),
                    active.quantity(),
                    active.entryPrice(),
                    "stream")));
      } catch (PortException e) {
        audit.record(
            new AuditEvent.OperationFailed(
                progress.subject(), "updatePosition", describe(e), Severity.ERROR));
      }
    }

    // 6. Protect: a stop-loss on the exchange, or close at market. Never open without a stop.
    Price stopPrice =
        instrument.stopLossFor(
            intent.side(), new Price(active.entryPrice()), intent.stopLossPercent());
    StopOrder stop;
    int stopAttempts;
    switch (placeStop(progress, stopPrice)) {
      case StopAttempt.Placed placed -> {
        stop = placed.stop();
        stopAttempts = placed.attempts();
      }
      case StopAttempt.Failed failed -> {
        List<String> failures = emergencyClose(progress, failed.reason());
        return new OpenResult.Failed(
            "STOP_LOSS", "stop-loss could not be placed: " + failed.reason(), failures);
      }
    }
    progress.stop = Optional.of(stop);
    try {
      store.recordStop(
          dbId,
          stop.clientId(),
          stop.triggerPrice(),
          audit.toRecord(
              new AuditEvent.StopPlaced(
                  progress.subject(),
                  stop.clientId(),
                  stop.triggerPrice(),
                  stopAttempts,
                  "opening")));
    } catch (PortException e) {
      audit.record(
          new AuditEvent.OperationFailed(
              progress.subject(), "recordStop", describe(e), Severity.ERROR));
      return fail(progress, "PERSIST_STOP", "recording the stop-loss failed: " + describe(e));
    }
    active = book.recordStop(progress.key, active.id(), stop.clientId()).orElse(active);

    // 7. Trailing stop. Its state is recoverable (restore creates a fresh one when it is missing),
    // so a failure to save it does not undo a protected position.
    try {
      trailing.start(active, dbId, instrument, intent.trailing(), stop);
    } catch (PortException e) {
      audit.record(
          new AuditEvent.OperationFailed(
              progress.subject(),
              "trailing.start",
              describe(e) + "; restore will create a fresh state",
              Severity.WARNING));
    }
    return new OpenResult.Opened(
        dbId, progress.key, active.quantity(), active.entryPrice(), stop.triggerPrice(), verified);
  }

  // ------------------------------------------------------------------ stop-loss

  private sealed interface StopAttempt {
    record Placed(StopOrder stop, int attempts) implements StopAttempt {}

    record Failed(String reason) implements StopAttempt {}
  }

  private StopAttempt placeStop(Progress progress, Price stopPrice) {
    Instant until = clock.now().plus(policy.stopDeadline());
    List<ClientOrderId> tried = new ArrayList<>();
    boolean ambiguous = false;
    String last = "no attempt";
    int attempt = 0;
    for (int round = 1; ; round++) {
      Duration wait = policy.backoff().delay(round);
      // After an ambiguous answer, never place another stop until the venue says the last did not
      // land.
      Landed landed = ambiguous ? findLanded(progress, tried) : new Landed.None();
      switch (landed) {
        case Landed.Found found -> {
          return new StopAttempt.Placed(found.stop(), attempt);
        }
        case Landed.CannotTell cannot ->
            last = "an earlier attempt may have landed; " + cannot.why();
        case Landed.None none -> {
          ambiguous = false;
          attempt++;
          ClientOrderId stopId = ClientIds.stop(progress.entryId, attempt);
          tried.add(stopId);
          try {
            StopOrder stop =
                progress.gateway.placeStopLoss(
                    new StopLossRequest(
                        progress.intent.symbol(),
                        progress.intent.side(),
                        stopPrice.value(),
                        stopId));
            return new StopAttempt.Placed(stop, attempt);
          } catch (RejectedException e) {
            audit.record(
                new AuditEvent.StopPlacementFailed(
                    progress.subject(), attempt, describe(e), false));
            return new StopAttempt.Failed("refused: " + e.code() + " " + e.reason());
          } catch (RateLimitedException e) {
            last = describe(e);
            wait = e.retryAfter();
          } catch (OutcomeUnknownException e) {
            ambiguous = true;
            last = describe(e);
          } catch (PortException e) {
            last = describe(e);
          }
          audit.record(
              new AuditEvent.StopPlacementFailed(
                  progress.subject(), attempt, last, !clock.now().plus(wait).isAfter(until)));
        }
      }
      if (clock.now().plus(wait).isAfter(until)) {
        if (ambiguous) {
          Landed lastLook = findLanded(progress, tried);
          if (lastLook instanceof Landed.Found found) {
            return new StopAttempt.Placed(found.stop(), attempt);
          }
        }
        return new StopAttempt.Failed("no stop-loss within " + policy.stopDeadline() + ": " + last);
      }
      try {
        clock.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new StopAttempt.Failed("interrupted while placing the stop-loss: " + last);
      }
    }
  }

  /** Whether one of our earlier, ambiguous stop attempts is working on the venue. */
  private sealed interface Landed {
    record Found(StopOrder stop) implements Landed {}

    record None() implements Landed {}

    record CannotTell(String why) implements Landed {}
  }

  private Landed findLanded(Progress progress, List<ClientOrderId> tried) {
    try {
      return progress.gateway.openStopLosses(progress.intent.symbol()).stream()
          .filter(s -> tried.contains(s.clientId()))
          .findFirst()
          .<Landed>map(Landed.Found::new)
          .orElse(new Landed.None());
    } catch (PortException e) {
      return new Landed.CannotTell("listing open stops failed: " + describe(e));
    }
  }

  private List<String> emergencyClose(Progress progress, String why) {
    List<String> failures = new ArrayList<>();
    for (int attempt = 1; attempt <= policy.emergencyCloseAttempts(); attempt++) {
      PositionCloser.CloseOutcome outcome =
          closer.close(progress.key, CloseReason.EMERGENCY, attempt);
      switch (outcome) {
        case PositionCloser.CloseOutcome.Closed closed -> {
          audit.record(
              new AuditEvent.EmergencyClose(
                  progress.subject(),
                  why,
                  true,
                  "closed at " + closed.exitPrice().toPlainString()));
          return List.of();
        }
        case PositionCloser.CloseOutcome.StillOpen open ->
            failures.add("attempt " + attempt + ": " + open.detail());
        case PositionCloser.CloseOutcome.Failed failed ->
            failures.add("attempt " + attempt + ": " + failed.reason());
      }
    }
    audit.record(
        new AuditEvent.EmergencyClose(progress.subject(), why, false, String.join("; ", failures)));
    log.error("EMERGENCY: {} may be open without a stop-loss: {}", progress.key, failures);
    return failures;
  }

  // ------------------------------------------------------------------ rollback

  /**
   * Undoes what was done, in reverse: close a filled quantity at market, cancel a placed stop, mark
   * the row rolled back, remove the registration from the book. Every step runs, whatever the
   * previous ones did; each is recorded.
   */
  private OpenResult.Failed fail(Progress progress, String stage, String reason) {
    List<String> failures = new ArrayList<>();
    if (progress.dbId.isPresent()) {
      // Take the row out of the stream's hands: the flat event of our close is not a "close".
      book.transition(progress.key, progress.id, Phase.ACTIVE, Phase.ROLLED_BACK);
    }
    if (progress.filled.signum() > 0 || progress.mayHaveFilled) {
      step(progress, failures, "close-filled-quantity", () -> closeFilled(progress));
    }
    progress.stop.ifPresent(
        stop ->
            step(
                progress,
                failures,
                "cancel-stop",
                () -> {
                  Retries.idempotent(
                      clock,
                      policy.stopDeadline(),
                      policy.backoff(),
                      () -> progress.gateway.cancelStopLoss(stop.symbol(), stop.clientId()));
                  return "cancelled " + stop.clientId();
                }));
    progress.dbId.ifPresent(
        dbId ->
            step(
                progress,
                failures,
                "mark-row-rolled-back",
                () -> {
                  AuditRecord rolledBack =
                      audit.toRecord(new AuditEvent.RolledBack(progress.subject(), reason));
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
        progress,
        failures,
        "remove-from-book",
        () ->
            book.remove(progress.key, progress.id)
                .map(p -> "removed " + p.correlationKey())
                .orElse("already gone"));
    return new OpenResult.Failed(stage, reason, failures);
  }

  /**
   * Closes what the entry may have filled with reduce-only orders (which can never open anything),
   * trying as often as an emergency close would.
   */
  private String closeFilled(Progress progress) {
    BigDecimal quantity = progress.filled;
    if (quantity.signum() == 0) {
      // The fill is unknown: ask the venue what is open rather than guess from an error code.
      Optional<BigDecimal> open = openSizeOnExchange(progress);
      if (open.isPresent() && open.get().signum() == 0) {
        return "nothing to close: the position list shows no position";
      }
      quantity = open.orElse(progress.requested);
    }
    List<String> refusals = new ArrayList<>();
    for (int attempt = 1; attempt <= policy.emergencyCloseAttempts(); attempt++) {
      var request =
          new MarketOrderRequest(
              progress.intent.symbol(),
              progress.intent.side().exitSide(),
              quantity,
              ClientIds.close(progress.entryId, attempt),
              true);
      switch (Orders.place(progress.gateway, request, clock, policy.orderDeadline())) {
        case Orders.Placement.Placed placed -> {
          return "closed "
              + placed.report().filledQuantity().toPlainString()
              + " at "
              + placed.report().averagePrice().toPlainString();
        }
        case Orders.Placement.Refused refused ->
            refusals.add(refused.code() + " " + refused.reason());
        case Orders.Placement.Unresolved unresolved ->
            refusals.add("unknown: " + unresolved.reason());
      }
    }
    throw new IllegalStateException("close failed " + refusals.size() + " times: " + refusals);
  }

  /** Our side's open size on the venue (zero when none), or empty when the venue cannot say. */
  private Optional<BigDecimal> openSizeOnExchange(Progress progress) {
    try {
      return switch (progress.gateway.positions()) {
        case PositionSnapshot.Complete complete ->
            Optional.of(
                complete
                    .find(progress.intent.symbol())
                    .filter(r -> r.side().equals(Optional.of(progress.intent.side())))
                    .map(ExchangePosition::size)
                    .orElse(BigDecimal.ZERO));
        case PositionSnapshot.Incomplete incomplete -> Optional.empty();
      };
    } catch (PortException e) {
      log.warn("reading positions of {} during rollback failed", progress.key, e);
      return Optional.empty();
    }
  }

  private interface Step {
    String run();
  }

  private void step(Progress progress, List<String> failures, String name, Step step) {
    try {
      String detail = step.run();
      audit.record(new AuditEvent.RollbackStep(progress.subject(), name, true, detail));
    } catch (RuntimeException e) {
      // Recorded, reported in the result, and the next step still runs.
      log.error("rollback step {} of {} failed", name, progress.key, e);
      String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
      failures.add(name + ": " + detail);
      audit.record(new AuditEvent.RollbackStep(progress.subject(), name, false, detail));
    }
  }

  private OpenResult refuse(OpenIntent intent, ClientOrderId entryId, String reason) {
    audit.record(
        new AuditEvent.IntentRefused(Subject.symbol(intent.key(), entryId.value()), reason));
    return new OpenResult.Refused(reason);
  }

  private static String describe(PortException e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
