package io.positionkeeper.domain.open;

import static io.positionkeeper.domain.venue.Failures.describe;
import static io.positionkeeper.domain.venue.Failures.unexpected;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.instrument.Price;
import io.positionkeeper.domain.instrument.Quantity;
import io.positionkeeper.domain.instrument.SizeRejectedException;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionAlreadyOpenException;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.retry.Retries;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.domain.venue.ClientIds;
import io.positionkeeper.domain.venue.Orders;
import io.positionkeeper.domain.venue.StopPlacement;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StopOrder;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a position atomically: validate, make sure the intent never sent an order before (and that
 * the store answers, so that the fill can be recorded), pre-register, market order, verify the
 * fill, persist, protect with a stop-loss on the exchange, start the trailing stop. Whatever fails
 * or is thrown after pre-registration, {@link OpenRollback} undoes what was done; a position that
 * cannot be protected is closed at market, and a filled position whose store is away is protected
 * first and stored when the store is back. Every step is an audit event, and recording one never
 * fails a step.
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
  private final InstrumentCatalog instruments;
  private final FillVerifier verifier;
  private final StopPlacement stops;
  private final OpenRollback rollback;
  private final IntentGuard guard;
  private final EntryDoubts doubts = new EntryDoubts();

  /** An opener with the given intent guard and rollback (the keeper passes the standard ones). */
  public PositionOpener(
      Map<Exchange, ExchangeGateway> gateways,
      PositionStore store,
      PositionBook book,
      AuditTrail audit,
      TrailingStops trailing,
      PositionCloser closer,
      Clock clock,
      OpenPolicy policy,
      InstrumentCatalog instruments,
      IntentGuard guard,
      RollbackFactory rollbacks) {
    this.gateways = new EnumMap<>(gateways);
    this.store = Objects.requireNonNull(store, "store");
    this.book = Objects.requireNonNull(book, "book");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.trailing = Objects.requireNonNull(trailing, "trailing");
    this.closer = Objects.requireNonNull(closer, "closer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.instruments = Objects.requireNonNull(instruments, "instruments");
    this.verifier = new FillVerifier(book, clock, policy);
    this.stops = new StopPlacement(audit, clock, policy.stopDeadline(), policy.backoff());
    this.guard = Objects.requireNonNull(guard, "guard");
    this.rollback =
        Objects.requireNonNull(rollbacks, "rollbacks")
            .create(store, book, audit, trailing, closer, stops, clock, policy);
  }

  /** What validation found: the instrument and the quantity to order, or why not. */
  private sealed interface Plan {
    record Ready(ExchangeGateway gateway, Instrument instrument, Quantity quantity)
        implements Plan {}

    record Refused(String reason) implements Plan {}
  }

  public OpenResult open(OpenIntent intent) {
    ClientOrderId entryId =
        ClientIds.entry(intent.exchange(), intent.symbol(), intent.side(), intent.intentId());
    Plan.Ready ready;
    switch (plan(intent, entryId)) {
      case Plan.Ready r -> ready = r;
      case Plan.Refused r -> {
        return refuse(intent, entryId, r.reason());
      }
    }
    Position.Pending registration;
    try {
      registration = book.preRegister(intent.key(), intent.side(), entryId);
    } catch (PositionAlreadyOpenException e) {
      return refuse(intent, entryId, e.getMessage());
    }
    OpenAttempt a =
        new OpenAttempt(
            intent,
            ready.gateway(),
            ready.instrument(),
            registration,
            ready.quantity().value(),
            clock.now());
    audit.record(
        a.subject(),
        () -> new AuditEvent.PositionPreRegistered(a.subject(), intent.side(), a.requested));
    try {
      return proceed(a);
    } catch (OpenAttempt.Abort abort) {
      return rolledBack(a, abort.stage, abort.getMessage());
    } catch (RuntimeException e) {
      log.error("opening {} failed unexpectedly; rolling back", a.key, e);
      return rolledBack(a, "UNEXPECTED", e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (Error e) {
      rolledBack(a, "UNEXPECTED", e.getClass().getSimpleName() + ": " + e.getMessage());
      throw e;
    }
  }

  /** Rolls the attempt back; an entry whose fate is unknown then holds its symbol. */
  private OpenResult.Failed rolledBack(OpenAttempt a, String stage, String reason) {
    try {
      return rollback.undo(a, stage, reason);
    } finally {
      if (a.entryInDoubt) {
        doubts.hold(a.key, a.entryId);
      }
    }
  }

  /** The opening's steps after pre-registration, in order; a failing step aborts. */
  private OpenResult proceed(OpenAttempt a) {
    OrderReport report = placeEntry(a);
    Verification.Verified fill = verifyFill(a, report);
    OptionalLong stored = persist(a, fill, report);
    if (stored.isEmpty()) {
      return keptWithoutRow(a);
    }
    long dbId = stored.getAsLong();
    Position position = promote(a, fill, dbId);
    Optional<StopOrder> stop = protect(a, position);
    if (stop.isEmpty()) {
      return emergencyClosed(a);
    }
    Position active = activate(a, stop.get());
    startTrailing(a, active, dbId, stop.get());
    return new OpenResult.Opened(
        dbId, a.key, active.quantity(), active.entryPrice(), stop.get().triggerPrice(), fill);
  }

  // ------------------------------------------------------------------ before any order

  private Plan plan(OpenIntent intent, ClientOrderId entryId) {
    ExchangeGateway gateway = gateways.get(intent.exchange());
    if (gateway == null) {
      return new Plan.Refused("no gateway is configured for " + intent.exchange());
    }
    if (book.get(intent.key()).isPresent()) {
      return new Plan.Refused("a position is already open on " + intent.key());
    }
    Instrument instrument;
    Price mark;
    Quantity quantity;
    try {
      instrument = instruments.get(gateway, intent.symbol());
      mark = new Price(gateway.markPrice(intent.symbol()).price());
      quantity = instrument.quantityFor(intent.size(), intent.sizeUnit(), mark);
    } catch (PortException e) {
      return new Plan.Refused(
          "could not read the rules or mark of " + intent.symbol() + ": " + describe(e));
    } catch (SizeRejectedException e) {
      return new Plan.Refused(e.getMessage());
    } catch (RuntimeException e) {
      log.error("reading the rules or mark of {} failed unexpectedly", intent.symbol(), e);
      return new Plan.Refused(
          "could not read the rules or mark of " + intent.symbol() + ": " + unexpected(e));
    }
    if (instrument.stopLossFor(intent.side(), mark, intent.stopLossPercent()).compareTo(mark)
        == 0) {
      return new Plan.Refused(
          "a stop-loss of "
              + intent.stopLossPercent().toPlainString()
              + " % is within one tick of the price");
    }
    return doubts
        .refusal(gateway, intent.key())
        .or(() -> heldByTheVenue(gateway, intent))
        .or(() -> alreadyUsed(gateway, intent, entryId))
        .<Plan>map(Plan.Refused::new)
        .orElse(new Plan.Ready(gateway, instrument, quantity));
  }

  /**
   * Asks the venue whether it holds a position on the symbol that the book does not (a rolled-back
   * opening that could not close its fill and left it, stop and all, for reconciliation to adopt;
   * an entry in doubt that landed late; a position opened by hand). An entry would add to it or
   * flip it (one net position per symbol) and its opening stop would replace or join the stop
   * guarding it. Fail closed: a venue that cannot say is not known to be flat there.
   */
  private Optional<String> heldByTheVenue(ExchangeGateway gateway, OpenIntent intent) {
    String unknown = "could not check that the venue holds no position on " + intent.symbol();
    PositionSnapshot snapshot;
    try {
      snapshot =
          Retries.idempotent(clock, policy.orderDeadline(), policy.backoff(), gateway::positions);
    } catch (PortException e) {
      return Optional.of(unknown + ": " + describe(e));
    } catch (RuntimeException e) {
      log.error("reading the positions before opening {} failed unexpectedly", intent.key(), e);
      return Optional.of(unknown + ": " + unexpected(e));
    }
    return switch (snapshot) {
      case PositionSnapshot.Complete complete ->
          complete
              .find(intent.symbol())
              .filter(p -> !p.isFlat())
              .map(
                  p ->
                      "the venue holds a position on "
                          + intent.key()
                          + " that the keeper has not taken over yet (reconciliation adopts it)");
      case PositionSnapshot.Incomplete incomplete ->
          Optional.of(unknown + ": its position list is incomplete");
    };
  }

  /**
   * Asks the venue whether it knows the intent's entry order and the store whether it holds a row
   * for it, and lets the guard decide. Fail closed: an intent the venue cannot be asked about is
   * not known to be new, and the store must answer before an order is sent, or the fill could not
   * be recorded and would have to be closed again at market.
   */
  private Optional<String> alreadyUsed(
      ExchangeGateway gateway, OpenIntent intent, ClientOrderId entryId) {
    Optional<OrderReport> sent;
    try {
      sent =
          Retries.idempotent(
              clock,
              policy.orderDeadline(),
              policy.backoff(),
              () -> gateway.queryOrder(intent.symbol(), entryId));
    } catch (PortException e) {
      return Optional.of(
          "could not check that intent " + intent.intentId() + " is new: " + describe(e));
    } catch (RuntimeException e) {
      // Outside the port's answers (a driver or parse bug): the intent is not known to be new, and
      // open() answers every intent; nothing was registered, so there is nothing to roll back.
      log.error("checking that intent {} is new failed unexpectedly", intent.intentId(), e);
      return Optional.of(
          "could not check that intent " + intent.intentId() + " is new: " + unexpected(e));
    }
    Optional<PositionRecord> stored;
    try {
      stored =
          Retries.idempotent(
              clock,
              policy.orderDeadline(),
              policy.backoff(),
              () -> store.findByEntryOrder(entryId));
    } catch (PortException e) {
      return Optional.of(
          "the position store does not answer, so no order is sent (an opening that cannot be"
              + " recorded is not started): "
              + describe(e));
    } catch (RuntimeException e) {
      log.error("asking the store about intent {} failed unexpectedly", intent.intentId(), e);
      return Optional.of(
          "the position store could not be asked, so no order is sent: " + unexpected(e));
    }
    return guard.refusal(intent, sent, stored);
  }

  // ------------------------------------------------------------------ the steps

  private OrderReport placeEntry(OpenAttempt a) {
    var request =
        new MarketOrderRequest(
            a.intent.symbol(), a.intent.side().entrySide(), a.requested, a.entryId, false);
    Orders.Placement placement;
    try {
      placement = Orders.place(a.gateway, request, clock, policy.orderDeadline());
    } catch (RuntimeException e) {
      // Thrown outside the port's answers (a driver or parse bug): the order may have landed, so
      // the rollback asks the venue instead of taking "nothing was filled" for granted.
      a.mayHaveFilled = true;
      a.entryInDoubt = true;
      throw e;
    }
    switch (placement) {
      case Orders.Placement.Placed placed -> {
        OrderReport report = placed.report();
        audit.record(
            a.subject(),
            () ->
                new AuditEvent.EntryOrderPlaced(
                    a.subject(),
                    a.entryId,
                    report.orderId(),
                    report.status().name(),
                    report.filledQuantity(),
                    placed.resolvedByQuery()));
        return report;
      }
      case Orders.Placement.Refused refused -> {
        audit.record(
            a.subject(),
            () -> new AuditEvent.EntryOrderFailed(a.subject(), refused.code(), refused.reason()));
        throw new OpenAttempt.Abort(
            "ORDER", "entry order refused: " + refused.code() + " " + refused.reason());
      }
      case Orders.Placement.Unresolved unresolved -> {
        a.mayHaveFilled = true;
        a.entryInDoubt = true;
        audit.record(
            a.subject(),
            () -> new AuditEvent.EntryOrderFailed(a.subject(), "UNRESOLVED", unresolved.reason()));
        throw new OpenAttempt.Abort("ORDER", "entry order outcome unknown: " + unresolved.reason());
      }
    }
  }

  private Verification.Verified verifyFill(OpenAttempt a, OrderReport report) {
    switch (verifier.verify(
        a.gateway, a.key, a.registration.id(), a.intent.side(), a.entryId, report, a.started)) {
      case Verification.Verified v -> {
        a.filled = v.quantity();
        audit.record(
            a.subject(),
            () ->
                new AuditEvent.FillVerified(
                    a.subject(), v.source().name(), v.quantity(), v.averagePrice(), v.elapsed()));
        return v;
      }
      case Verification.NotFilled n -> {
        audit.record(
            a.subject(),
            () -> new AuditEvent.FillNotVerified(a.subject(), "NOT_FILLED", n.reason()));
        throw new OpenAttempt.Abort("VERIFY", "entry order did not fill: " + n.reason());
      }
      case Verification.Unknown u -> {
        a.mayHaveFilled = true;
        audit.record(
            a.subject(), () -> new AuditEvent.FillNotVerified(a.subject(), "UNKNOWN", u.reason()));
        throw new OpenAttempt.Abort("VERIFY", "fill not verified: " + u.reason());
      }
    }
  }

  /**
   * Inserts the row with its creation event. A commit whose outcome is unknown is settled by
   * reading the row back by its entry order id, never by inserting again before a read shows no row
   * and never by guessing. Empty when the store stayed away for the whole wait and the position is
   * left on the venue under its stop, for reconciliation to adopt.
   */
  private OptionalLong persist(OpenAttempt a, Verification.Verified fill, OrderReport report) {
    NewPosition row =
        new NewPosition(
            a.intent.exchange(),
            a.intent.symbol(),
            a.intent.side(),
            fill.quantity(),
            fill.averagePrice(),
            report.orderId(),
            Optional.of(a.entryId),
            a.intent.signalId(),
            clock.now());
    AuditRecord created =
        audit.toRecord(
            a.subject(),
            () ->
                new AuditEvent.PositionCreated(
                    a.subject(),
                    a.intent.side(),
                    fill.quantity(),
                    fill.averagePrice(),
                    report.orderId(),
                    a.intent.signalId()));
    try {
      return OptionalLong.of(stored(a, store.insert(row, created)));
    } catch (OutcomeUnknownException e) {
      return readBack(a, fill, row, created, describe(e));
    } catch (PersistenceException | RetryableException e) {
      return persistUnderStop(a, fill, row, created, e, false);
    } catch (PortException e) {
      failed(a, "insert", describe(e), Severity.ERROR);
      throw new OpenAttempt.Abort("PERSIST", "storing the position failed: " + describe(e));
    } catch (RuntimeException e) {
      // Thrown outside the store's taxonomy (a driver's bug building the statement or reading its
      // answer): the row may have been committed all the same. Taken for "not stored", the
      // opening would roll back a position whose row reconciliation then finds and protects a
      // second time; the row is read back instead, as for an outcome the store says is unknown.
      log.error("storing {} failed unexpectedly; reading the row back", a.key, e);
      return readBack(a, fill, row, created, unexpected(e));
    }
  }

  private long stored(OpenAttempt a, long dbId) {
    a.dbId = Optional.of(dbId);
    return dbId;
  }

  /**
   * The store is away or asks to be tried again (nothing was written, or, when {@code maybeStored},
   * a commit whose outcome it could not tell) and the venue holds the fill. Closing a good position
   * at market because the database blinked costs the trader a round trip for nothing; leaving it
   * unprotected until the database returns is worse. The stop needs no row: it is placed now, and
   * the row is written when the store comes back (the same record, so the trail is whole). A store
   * that stays away for the whole wait leaves the position under its stop, handed to
   * reconciliation, which adopts it with that stop once the store answers again.
   */
  private OptionalLong persistUnderStop(
      OpenAttempt a,
      Verification.Verified fill,
      NewPosition row,
      AuditRecord created,
      PortException away,
      boolean maybeStored) {
    failed(
        a,
        "insert",
        describe(away) + "; protecting the position on the venue until the store is back",
        Severity.ERROR);
    if (!placeStop(a, fill.averagePrice())) {
      throw new OpenAttempt.Abort(
          "PERSIST",
          "storing the position failed ("
              + describe(away)
              + ") and its stop-loss could not be placed: "
              + a.stopFailure);
    }
    Instant until = clock.now().plus(policy.storeOutageWait());
    PortException last = away;
    for (int attempt = 1;
        Retries.waitUntil(clock, until, policy.backoff().delay(attempt));
        attempt++) {
      try {
        if (maybeStored) {
          Optional<PositionRecord> found = store.findByEntryOrder(a.entryId);
          if (found.isPresent()) {
            return OptionalLong.of(stored(a, found.get().id()));
          }
          maybeStored = false;
        }
        return OptionalLong.of(stored(a, store.insert(row, created)));
      } catch (PersistenceException | RetryableException e) {
        last = e;
      } catch (OutcomeUnknownException e) {
        // The commit may have happened: read back before any insert.
        last = e;
        maybeStored = true;
      } catch (PortException e) {
        failed(a, "insert", describe(e), Severity.ERROR);
        throw new OpenAttempt.Abort("PERSIST", "storing the position failed: " + describe(e));
      }
    }
    failed(
        a,
        "insert",
        describe(last)
            + "; the store did not come back within "
            + policy.storeOutageWait()
            + ": the position stays on the venue under its stop, for reconciliation to adopt",
        Severity.CRITICAL);
    return OptionalLong.empty();
  }

  /** The filled position, protected on the venue, handed to reconciliation without a row. */
  private OpenResult keptWithoutRow(OpenAttempt a) {
    StopOrder stop = a.stop.orElseThrow();
    audit.record(
        a.subject(),
        () ->
            new AuditEvent.StopPlaced(
                a.subject(),
                stop.clientId(),
                stop.triggerPrice(),
                a.stopAttempts,
                "opening, the store away"));
    List<String> kept = new ArrayList<>();
    rollback.keepProtected(a, "the store is away", kept);
    log.error("{} is open under stop {} without a row: the store is away", a.key, stop.clientId());
    return new OpenResult.Failed(
        "PERSIST", "the store did not come back: the position was kept, not stored", kept);
  }

  /**
   * Settles a commit whose outcome is unknown by reading the row back by its entry order id. A
   * store that went away with the answer cannot say: the position is protected first and read back
   * when the store is back.
   */
  private OptionalLong readBack(
      OpenAttempt a,
      Verification.Verified fill,
      NewPosition row,
      AuditRecord created,
      String insertFailure) {
    Optional<PositionRecord> stored;
    try {
      stored =
          Retries.idempotent(
              clock,
              policy.orderDeadline(),
              policy.backoff(),
              () -> store.findByEntryOrder(a.entryId));
    } catch (PersistenceException | RetryableException | OutcomeUnknownException e) {
      return persistUnderStop(a, fill, row, created, e, true);
    } catch (PortException e) {
      failed(
          a,
          "insert",
          insertFailure + "; reading it back failed: " + describe(e),
          Severity.CRITICAL);
      throw new OpenAttempt.Abort(
          "PERSIST", "whether the position was stored is unknown: " + describe(e));
    } catch (RuntimeException e) {
      log.error("reading back the row of {} failed unexpectedly", a.key, e);
      failed(
          a,
          "insert",
          insertFailure + "; reading it back failed: " + unexpected(e),
          Severity.CRITICAL);
      throw new OpenAttempt.Abort(
          "PERSIST", "whether the position was stored is unknown: " + unexpected(e));
    }
    if (stored.isEmpty()) {
      failed(a, "insert", insertFailure + "; read back: not stored", Severity.ERROR);
      throw new OpenAttempt.Abort("PERSIST", "storing the position failed: " + insertFailure);
    }
    return OptionalLong.of(stored(a, stored.get().id()));
  }

  private Position promote(OpenAttempt a, Verification.Verified fill, long dbId) {
    Position.Stored promoted =
        book.promote(a.registration, dbId, fill.quantity(), fill.averagePrice());
    a.inBook = Optional.of(promoted.id());
    if (promoted.quantity().compareTo(fill.quantity()) != 0) {
      // The stream reported more fills between verification and promotion: store what is true.
      try {
        store.updatePosition(
            dbId,
            promoted.side(),
            promoted.quantity(),
            promoted.entryPrice(),
            audit.toRecord(
                a.subject(),
                () ->
                    new AuditEvent.PositionUpdated(
                        a.subject(),
                        promoted.side(),
                        promoted.quantity(),
                        promoted.entryPrice(),
                        "stream")));
      } catch (PortException e) {
        failed(a, "updatePosition", describe(e), Severity.ERROR);
      }
    }
    return promoted;
  }

  /** Places and records the stop-loss; empty when it could not be placed. */
  private Optional<StopOrder> protect(OpenAttempt a, Position position) {
    // Placed already when the store was away at first.
    if (a.stop.isEmpty() && !placeStop(a, position.entryPrice())) {
      return Optional.empty();
    }
    StopOrder stop = a.stop.orElseThrow();
    int attempts = a.stopAttempts;
    long dbId = a.dbId.orElseThrow();
    try {
      store.recordStop(
          dbId,
          stop.clientId(),
          stop.triggerPrice(),
          audit.toRecord(
              a.subject(),
              () ->
                  new AuditEvent.StopPlaced(
                      a.subject(), stop.clientId(), stop.triggerPrice(), attempts, "opening")));
    } catch (PersistenceException e) {
      // The stop works on the venue whatever the row says, and reconciliation records a working
      // stop on the row that names none: the store being away is no reason to close.
      failed(
          a,
          "recordStop",
          "stop " + stop.clientId() + " works on the exchange; " + describe(e),
          Severity.ERROR);
    } catch (PortException e) {
      failed(a, "recordStop", describe(e), Severity.ERROR);
      throw new OpenAttempt.Abort("PERSIST_STOP", "recording the stop-loss failed: " + describe(e));
    }
    return Optional.of(stop);
  }

  /** Places the opening's stop-loss at the intent's distance from {@code entry}; false if not. */
  private boolean placeStop(OpenAttempt a, BigDecimal entry) {
    Price stopPrice =
        a.instrument.stopLossFor(a.intent.side(), new Price(entry), a.intent.stopLossPercent());
    var target =
        new StopPlacement.Target(
            a.gateway, a.intent.symbol(), a.intent.side(), a::nextStopId, a.subject());
    switch (stops.place(target, stopPrice)) {
      case StopPlacement.Outcome.Placed placed -> {
        a.stop = Optional.of(placed.stop());
        a.stopAttempts = placed.attempts();
        return true;
      }
      case StopPlacement.Outcome.Failed failed -> {
        a.stopFailure = failed.reason();
        return false;
      }
      case StopPlacement.Outcome.Crossed crossed -> {
        // Closed at market like any stop that cannot be placed; a position whose close fails is
        // then reconciliation's, which gives it the tightest stop the venue takes.
        a.stopFailure = crossed.reason();
        return false;
      }
    }
  }

  /** The stop is working and stored: the position leaves the opener's hands. */
  private Position activate(OpenAttempt a, StopOrder stop) {
    book.recordStop(a.key, a.id(), stop.clientId());
    return book.transition(a.key, a.inBook.orElseThrow(), Phase.PROTECTING, Phase.ACTIVE)
        .orElseThrow(
            () ->
                new OpenAttempt.Abort(
                    "PROTECT", a.key + " left the book while its stop-loss was placed"));
  }

  /**
   * Its state is recoverable (restore creates a fresh one when it is missing), so a failure to save
   * it does not undo a protected position.
   */
  private void startTrailing(OpenAttempt a, Position active, long dbId, StopOrder stop) {
    try {
      trailing.start(active, dbId, a.instrument, a.intent.trailing(), stop);
    } catch (PortException e) {
      failed(
          a,
          "trailing.start",
          describe(e) + "; restore will create a fresh state",
          Severity.WARNING);
    }
  }

  // ------------------------------------------------------------------ no stop: close

  private OpenResult.Failed emergencyClosed(OpenAttempt a) {
    String why = a.stopFailure;
    List<String> failures = new ArrayList<>();
    for (int attempt = 1; attempt <= policy.emergencyCloseAttempts(); attempt++) {
      switch (closer.close(a.key, CloseReason.EMERGENCY)) {
        case PositionCloser.CloseOutcome.Closed closed -> {
          audit.record(
              a.subject(),
              () ->
                  new AuditEvent.EmergencyClose(
                      a.subject(), why, true, "closed at " + closed.exitPrice().toPlainString()));
          return new OpenResult.Failed(
              "STOP_LOSS", "stop-loss could not be placed: " + why, List.of());
        }
        case PositionCloser.CloseOutcome.StillOpen open ->
            failures.add("attempt " + attempt + ": " + open.detail());
        case PositionCloser.CloseOutcome.Failed failed ->
            failures.add("attempt " + attempt + ": " + failed.reason());
        case PositionCloser.CloseOutcome.Underway underway -> {
          // A trader's close or a reconciliation got there first; it reports how the close ended.
          log.warn("{} has no stop-loss; its close is already being sent by another caller", a.key);
          return new OpenResult.Failed(
              "STOP_LOSS",
              "stop-loss could not be placed: " + why + "; its close is already being sent",
              failures);
        }
      }
    }
    // Given up: a refused close leaves the position PROTECTING, the opener's; from here it is
    // reconciliation's to protect or close.
    a.inBook.ifPresent(id -> book.transition(a.key, id, Phase.PROTECTING, Phase.ACTIVE));
    audit.record(
        a.subject(),
        () -> new AuditEvent.EmergencyClose(a.subject(), why, false, String.join("; ", failures)));
    log.error("EMERGENCY: {} may be open without a stop-loss: {}", a.key, failures);
    return new OpenResult.Failed("STOP_LOSS", "stop-loss could not be placed: " + why, failures);
  }

  // ------------------------------------------------------------------ helpers

  private void failed(OpenAttempt a, String operation, String detail, Severity severity) {
    audit.record(
        a.subject(),
        () -> new AuditEvent.OperationFailed(a.subject(), operation, detail, severity));
  }

  private OpenResult refuse(OpenIntent intent, ClientOrderId entryId, String reason) {
    Subject subject = Subject.symbol(intent.key(), entryId.value());
    audit.record(subject, () -> new AuditEvent.IntentRefused(subject, reason));
    return new OpenResult.Refused(reason);
  }
}
