package io.positionkeeper.domain.reconcile;

import static io.positionkeeper.domain.venue.Failures.describe;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.instrument.Price;
import io.positionkeeper.domain.position.Phase;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionAlreadyOpenException;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.retry.Retries;
import io.positionkeeper.domain.stream.ConnectionMonitor;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.domain.venue.Orders;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares one exchange with the stored rows and the book, and repairs the difference. Runs at
 * startup after the positions and trailing stops are restored and before signals are taken, then
 * periodically.
 *
 * <p>It trusts only what it can: it refuses to run unless the streams are {@code RESYNCED}, on an
 * incomplete snapshot, when a read fails, or when the connection's ready generation changed while
 * reading. A refusal changes nothing. A phantom needs two complete snapshots to agree. Every change
 * to a row is written with its event in one store call; everything else is an audit event too.
 */
public final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final ExchangeGateway gateway;
  private final Exchange exchange;
  private final ConnectionMonitor monitor;
  private final PositionStore store;
  private final PositionBook book;
  private final AuditTrail audit;
  private final TrailingStops trailing;
  private final PositionCloser closer;
  private final Clock clock;
  private final ReconcilePolicy policy;
  private final InstrumentCatalog instruments;
  // What was last recorded about a missing position left on the exchange, so a periodic run does
  // not record the same finding every minute.
  private final Map<PositionKey, String> reported = new ConcurrentHashMap<>();

  public Reconciler(
      ExchangeGateway gateway,
      ConnectionMonitor monitor,
      PositionStore store,
      PositionBook book,
      AuditTrail audit,
      TrailingStops trailing,
      PositionCloser closer,
      Clock clock,
      ReconcilePolicy policy,
      InstrumentCatalog instruments) {
    this.instruments = Objects.requireNonNull(instruments, "instruments");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.exchange = gateway.exchange();
    this.monitor = Objects.requireNonNull(monitor, "monitor");
    if (monitor.exchange() != exchange) {
      throw new IllegalArgumentException(
          "the monitor watches " + monitor.exchange() + ", the gateway is " + exchange);
    }
    this.store = Objects.requireNonNull(store, "store");
    this.book = Objects.requireNonNull(book, "book");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.trailing = Objects.requireNonNull(trailing, "trailing");
    this.closer = Objects.requireNonNull(closer, "closer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Reconciles and applies the actions. */
  public ReconcileResult reconcile() {
    return run(false);
  }

  /** Decides what reconciling would do now, and changes nothing. */
  public ReconcileResult dryRun() {
    return run(true);
  }

  private synchronized ReconcileResult run(boolean dryRun) {
    ReconcileInputs inputs;
    long generation;
    try {
      OptionalLong ready = monitor.readyGeneration();
      if (ready.isEmpty()) {
        return refuse("the streams are " + monitor.state() + ", not RESYNCED");
      }
      generation = ready.getAsLong();
      inputs = read(generation);
    } catch (Refusal r) {
      return refuse(r.getMessage());
    }
    List<ReconcileAction> actions = ReconcileDecision.decide(inputs, policy);
    Map<Symbol, ExchangePosition> live = ReconcileDecision.live(inputs.snapshot());
    int flat = inputs.snapshot().positions().size() - live.size();
    int onExchangeRows =
        (int) inputs.stored().stream().filter(r -> live.containsKey(r.symbol())).count();
    int inSync =
        onExchangeRows
            - (int)
                actions.stream()
                    .filter(
                        a ->
                            a instanceof ReconcileAction.FollowExchange
                                || a instanceof ReconcileAction.ReplaceStop)
                    .map(ReconcileAction::symbol)
                    .distinct()
                    .count();

    List<ActionOutcome> outcomes = new ArrayList<>();
    for (ReconcileAction action : actions) {
      if (dryRun) {
        outcomes.add(new ActionOutcome(action, ActionOutcome.Status.PLANNED, ""));
        continue;
      }
      if (!monitor.readyGeneration().equals(OptionalLong.of(generation))) {
        outcomes.add(
            new ActionOutcome(
                action,
                ActionOutcome.Status.SKIPPED,
                "the connection changed after the snapshot; the next run decides again"));
        continue;
      }
      outcomes.add(applySafely(action));
    }
    var result =
        new ReconcileResult.Completed(
            exchange, dryRun, inputs.stored().size(), live.size(), flat, inSync, outcomes);
    log.info(
        "reconciliation of {}{}: {} rows, {} on the exchange ({} flat rows ignored), {} in sync,"
            + " {} actions, {} failed",
        exchange,
        dryRun ? " (dry run)" : "",
        result.storedOpen(),
        result.exchangeOpen(),
        flat,
        inSync,
        outcomes.size(),
        result.errors());
    outcomes.forEach(o -> log.info("  {}", o));
    return result;
  }

  private ReconcileResult refuse(String reason) {
    log.warn("reconciliation of {} refused, nothing changed: {}", exchange, reason);
    return new ReconcileResult.Refused(exchange, reason);
  }

  /** A reason not to trust what was read. */
  private static final class Refusal extends Exception {
    Refusal(String message) {
      super(message);
    }
  }

  // ------------------------------------------------------------------ reading

  private ReconcileInputs read(long generation) throws Refusal {
    // Rows first, then the exchange: a row that exists now and is absent from a later snapshot
    // really is gone (or was closed meanwhile, which the close re-checks).
    List<PositionRecord> stored =
        readOrRefuse("reading the stored positions", store::loadOpen).stream()
            .filter(r -> r.exchange() == exchange)
            .toList();
    PositionSnapshot.Complete first = completeSnapshot();
    Map<Symbol, ExchangePosition> live = ReconcileDecision.live(first);
    boolean someAbsent = stored.stream().anyMatch(r -> !live.containsKey(r.symbol()));
    Optional<PositionSnapshot.Complete> confirmation = Optional.empty();
    if (someAbsent) {
      try {
        clock.sleep(policy.confirmDelay());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Refusal("interrupted before the confirming snapshot");
      }
      confirmation = Optional.of(completeSnapshot());
    }
    // The book after the snapshot: whatever we are opening is registered before it can be there.
    List<Position> bookNow =
        book.all().stream().filter(p -> p.key().exchange() == exchange).toList();
    Map<Symbol, List<StopOrder>> stops = new HashMap<>();
    for (PositionRecord row : stored) {
      if (row.status() != PositionStatus.ACTIVE || !live.containsKey(row.symbol())) {
        continue;
      }
      try {
        stops.put(
            row.symbol(),
            Retries.idempotent(
                clock,
                policy.callDeadline(),
                policy.backoff(),
                () -> gateway.openStopLosses(row.symbol())));
      } catch (PortException e) {
        // Unknown protection: nothing is re-placed for this symbol in this run.
        log.warn("the open stops of {} {} could not be read", exchange, row.symbol(), e);
      }
    }
    if (!monitor.readyGeneration().equals(OptionalLong.of(generation))) {
      throw new Refusal(
          "the connection changed while reading (ready generation "
              + generation
              + ", now "
              + monitor.state()
              + ")");
    }
    return new ReconcileInputs(exchange, stored, bookNow, first, confirmation, stops, clock.now());
  }

  private PositionSnapshot.Complete completeSnapshot() throws Refusal {
    PositionSnapshot snapshot =
        readOrRefuse("reading the exchange's positions", gateway::positions);
    return switch (snapshot) {
      case PositionSnapshot.Complete complete -> {
        if (complete.exchange() != exchange) {
          throw new Refusal("the gateway answered for " + complete.exchange());
        }
        yield complete;
      }
      case PositionSnapshot.Incomplete incomplete ->
          throw new Refusal("the exchange's snapshot is incomplete: " + incomplete.reason());
    };
  }

  private <T> T readOrRefuse(String what, java.util.function.Supplier<T> call) throws Refusal {
    try {
      return Retries.idempotent(clock, policy.callDeadline(), policy.backoff(), call);
    } catch (PortException e) {
      log.warn("{} failed", what, e);
      throw new Refusal(what + " failed: " + describe(e));
    }
  }

  // ------------------------------------------------------------------ applying

  private ActionOutcome applySafely(ReconcileAction action) {
    try {
      return apply(action);
    } catch (RuntimeException e) {
      log.error("reconciliation action failed: {}", action.describe(), e);
      String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
      try {
        audit.record(
            new AuditEvent.OperationFailed(
                subjectOf(action), "reconcile", action.describe() + ": " + detail, Severity.ERROR));
      } catch (RuntimeException auditFailure) {
        e.addSuppressed(auditFailure);
        log.error("recording the failure of {} failed too", action.describe(), auditFailure);
      }
      return new ActionOutcome(action, ActionOutcome.Status.FAILED, detail);
    }
  }

  private ActionOutcome apply(ReconcileAction action) {
    return switch (action) {
      case ReconcileAction.ExpirePending expire -> expire(expire);
      case ReconcileAction.ClosePhantom phantom -> closePhantom(phantom);
      case ReconcileAction.FollowExchange follow -> follow(follow);
      case ReconcileAction.ReplaceStop replace -> replaceStop(replace);
      case ReconcileAction.AdoptMissing adopt -> adopt(adopt);
      case ReconcileAction.IgnoreMissing ignore -> ignore(ignore);
      case ReconcileAction.CloseMissing close -> closeMissing(close);
    };
  }

  private ActionOutcome expire(ReconcileAction.ExpirePending a) {
    Position pending = a.pending();
    Optional<Position> removed = book.remove(pending.key(), pending.id());
    if (removed.isEmpty()) {
      return skipped(a, "no longer in the book (promoted or removed meanwhile)");
    }
    // The event about a pending position carries its correlation key and no id: it has no row.
    audit.record(new AuditEvent.PendingExpired(Subject.of(pending), a.age()));
    return applied(a, "removed " + pending.correlationKey());
  }

  private ActionOutcome closePhantom(ReconcileAction.ClosePhantom a) {
    PositionRecord row = a.row();
    Optional<PositionRecord> current = store.find(row.id());
    if (current.isEmpty() || !current.get().status().isOpen()) {
      return skipped(a, "the row was closed meanwhile");
    }
    // A close the venue made while we watched, and the store missed: write what the venue did.
    if (closer.settleOwed(row.id())) {
      return applied(a, "closed with the exit the venue reported when it happened");
    }
    Optional<Position> inBook = bookEntry(row);
    Subject subject = subjectOf(row);
    // The exit happened while nobody watched: it comes from the venue's trade history, or stays
    // unknown; a price or PnL is never made up.
    PositionClose close = exitFromVenue(row);
    store.close(
        row.id(),
        close,
        audit.toRecord(
            subject,
            () ->
                new AuditEvent.PositionClosed(
                    subject, close.reason(), close.exitPrice(), close.realizedPnl())));
    String detail =
        "closed as "
            + close.reason()
            + close.exitPrice().map(p -> " at " + p.toPlainString()).orElse(", exit unknown");
    try {
      trailing.stop(row.id());
    } catch (PortException e) {
      log.error("removing the trailing state of phantom {} failed", row.id(), e);
      audit.record(
          new AuditEvent.OperationFailed(subject, "trailing.stop", describe(e), Severity.WARNING));
      detail += "; its trailing state could not be removed: " + describe(e);
    }
    inBook.ifPresent(p -> book.remove(p.key(), p.id()));
    return applied(a, detail);
  }

  /**
   * How a phantom ended, from the venue's history: our stop's fill is a stop-loss (a trailing stop
   * when it was moved), anything else external; PHANTOM with no price when the history is silent.
   */
  private PositionClose exitFromVenue(PositionRecord row) {
    Optional<PositionExit> exit;
    try {
      exit =
          Retries.idempotent(
              clock,
              policy.callDeadline(),
              policy.backoff(),
              () -> gateway.exitSince(row.symbol(), row.side(), row.openedAt()));
    } catch (PortException e) {
      log.warn("the trade history of {} could not be read", row.symbol(), e);
      exit = Optional.empty();
    }
    if (exit.isEmpty()) {
      return new PositionClose(
          Optional.empty(), Optional.empty(), CloseReason.PHANTOM, clock.now());
    }
    PositionExit e = exit.get();
    CloseReason reason = CloseReason.EXTERNAL;
    if (e.closingClientId().isPresent() && e.closingClientId().equals(row.stopClientId())) {
      reason =
          e.closingClientId().get().value().startsWith("pkm-")
              ? CloseReason.TRAILING_STOP
              : CloseReason.STOP_LOSS;
    }
    return new PositionClose(
        Optional.of(e.averagePrice()), Optional.of(e.realizedPnl()), reason, e.time());
  }

  private ActionOutcome follow(ReconcileAction.FollowExchange a) {
    PositionRecord row = a.row();
    store.updatePosition(
        row.id(),
        a.side(),
        a.quantity(),
        a.entryPrice(),
        audit.toRecord(
            new AuditEvent.PositionUpdated(
                subjectOf(row), a.side(), a.quantity(), a.entryPrice(), "reconcile")));
    if (bookEntry(row).isPresent()) {
      // The row is written above; the book takes the same values the way the stream gives them
      // (the update it reports back is the write just done).
      book.apply(
          exchange,
          new StreamEvent.PositionChanged(
              row.symbol(),
              a.side() == PositionSide.LONG ? a.quantity() : a.quantity().negate(),
              a.entryPrice(),
              clock.now()));
    }
    return applied(a, "row follows the exchange");
  }

  private ActionOutcome replaceStop(ReconcileAction.ReplaceStop a) {
    PositionRecord row = a.row();
    Instrument instrument = instrument(row.symbol());
    Price stop =
        a.trigger()
            .map(t -> instrument.roundStop(a.side(), t))
            .orElseGet(
                () ->
                    instrument.stopLossFor(
                        a.side(), new Price(a.entryPrice()), policy.defaultStopLossPercent()));
    PositionKey key = new PositionKey(exchange, row.symbol());
    return protect(
        a, key, row.id(), subjectOf(row), a.side(), stop, "replaced: none working on the exchange");
  }

  private ActionOutcome adopt(ReconcileAction.AdoptMissing a) {
    ExchangePosition p = a.position();
    PositionSide side = p.side().orElseThrow();
    PositionKey key = new PositionKey(exchange, p.symbol());
    Optional<ExchangeOrderId> orderId =
        Retries.idempotent(
            clock,
            policy.callDeadline(),
            policy.backoff(),
            () -> gateway.openingOrderId(p.symbol(), side));
    if (orderId.isEmpty()) {
      // An invented order id (like "ORBS/USDT:USDT_0") once hid where a position came from: without
      // the real one, no row.
      String detail =
          "no opening order in the exchange's order or trade history: not adopted, and not"
              + " protected by us; protect or close it by hand";
      log.error("{} {} {} {}: {}", exchange, p.symbol(), side, p.size().toPlainString(), detail);
      recordMissingOnce(key, p, MissingPositionPolicy.ADOPT_AND_PROTECT.name(), detail);
      return new ActionOutcome(a, ActionOutcome.Status.FAILED, detail);
    }
    if (p.entryPrice().signum() <= 0) {
      return new ActionOutcome(
          a, ActionOutcome.Status.FAILED, "the exchange reports no entry price; not adopted");
    }
    Subject before = Subject.symbol(key, "adopt-" + orderId.get().value());
    Instant now = clock.now();
    long dbId =
        store.insert(
            new NewPosition(
                exchange,
                p.symbol(),
                side,
                p.size(),
                p.entryPrice(),
                orderId.get(),
                Optional.empty(),
                Optional.empty(),
                now),
            audit.toRecord(
                new AuditEvent.PositionAdopted(
                    before, side, p.size(), p.entryPrice(), orderId.get())));
    reported.remove(key);
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
      book.load(adopted);
    } catch (PositionAlreadyOpenException e) {
      return new ActionOutcome(
          a,
          ActionOutcome.Status.FAILED,
          "adopted as #"
              + dbId
              + ", but the book took another position meanwhile: "
              + e.getMessage());
    }
    Optional<StopOrder> working = workingStop(p.symbol(), side);
    ActionOutcome protectedOutcome;
    if (working.isPresent()) {
      protectedOutcome =
          recordProtection(
              a, key, dbId, Subject.of(adopted), working.get(), 1, "adopted with its stop");
    } else {
      Instrument instrument = instrument(p.symbol());
      Price stop =
          instrument.stopLossFor(side, new Price(p.entryPrice()), policy.defaultStopLossPercent());
      protectedOutcome = protect(a, key, dbId, Subject.of(adopted), side, stop, "adopted");
    }
    return new ActionOutcome(
        a,
        protectedOutcome.status(),
        "adopted as #" + dbId + " with order " + orderId.get() + "; " + protectedOutcome.detail());
  }

  private ActionOutcome ignore(ReconcileAction.IgnoreMissing a) {
    ExchangePosition p = a.position();
    PositionKey key = new PositionKey(exchange, p.symbol());
    boolean recorded =
        recordMissingOnce(key, p, MissingPositionPolicy.IGNORE.name(), "left alone by policy");
    return recorded ? applied(a, "recorded") : skipped(a, "unchanged since it was recorded");
  }

  private ActionOutcome closeMissing(ReconcileAction.CloseMissing a) {
    ExchangePosition p = a.position();
    PositionSide side = p.side().orElseThrow();
    PositionKey key = new PositionKey(exchange, p.symbol());
    ClientOrderId closeId = ReconcileIds.closeMissing(exchange, p, clock.now());
    var request = new MarketOrderRequest(p.symbol(), side.exitSide(), p.size(), closeId, true);
    Subject subject = Subject.symbol(key, closeId.value());
    return switch (Orders.place(gateway, request, clock, policy.callDeadline())) {
      case Orders.Placement.Placed placed -> {
        String detail =
            "closed at market: "
                + placed.report().status()
                + " "
                + placed.report().filledQuantity().toPlainString()
                + " at "
                + placed.report().averagePrice().toPlainString();
        audit.record(
            new AuditEvent.MissingPositionFound(
                subject, side, p.size(), MissingPositionPolicy.CLOSE.name(), detail));
        yield applied(a, detail);
      }
      case Orders.Placement.Refused refused -> {
        String detail = "close order refused: " + refused.code() + " " + refused.reason();
        audit.record(
            new AuditEvent.MissingPositionFound(
                subject, side, p.size(), MissingPositionPolicy.CLOSE.name(), detail));
        yield new ActionOutcome(a, ActionOutcome.Status.FAILED, detail);
      }
      case Orders.Placement.Unresolved unresolved -> {
        String detail = "close order outcome unknown: " + unresolved.reason();
        audit.record(
            new AuditEvent.MissingPositionFound(
                subject, side, p.size(), MissingPositionPolicy.CLOSE.name(), detail));
        yield new ActionOutcome(a, ActionOutcome.Status.FAILED, detail);
      }
    };
  }

  private boolean recordMissingOnce(
      PositionKey key, ExchangePosition p, String policyName, String detail) {
    String fingerprint =
        policyName + "|" + p.side().orElseThrow() + "|" + p.size().stripTrailingZeros();
    if (fingerprint.equals(reported.put(key, fingerprint))) {
      return false;
    }
    audit.record(
        new AuditEvent.MissingPositionFound(
            Subject.symbol(key, "missing-" + p.symbol()),
            p.side().orElseThrow(),
            p.size(),
            policyName,
            detail));
    return true;
  }

  // ------------------------------------------------------------------ protection

  private ActionOutcome protect(
      ReconcileAction action,
      PositionKey key,
      long dbId,
      Subject subject,
      PositionSide side,
      Price trigger,
      String context) {
    ClientOrderId stopId = ReconcileIds.stop(dbId, clock.now());
    StopLossRequest request = new StopLossRequest(key.symbol(), side, trigger.value(), stopId);
    Instant until = clock.now().plus(policy.stopDeadline());
    boolean ambiguous = false;
    String last = "no attempt";
    Optional<StopOrder> placed = Optional.empty();
    int attempt = 0;
    while (placed.isEmpty()) {
      attempt++;
      Duration wait;
      try {
        placed = Optional.of(gateway.placeStopLoss(request));
        break;
      } catch (PortException e) {
        last = describe(e);
        switch (e) {
          case RejectedException rejected -> {
            // After an ambiguous attempt, a refusal may only mean our stop is there already.
            if (ambiguous) {
              placed = findStop(key.symbol(), stopId);
            }
            if (placed.isEmpty()) {
              return unprotected(action, key, subject, attempt, last);
            }
            wait = Duration.ZERO;
          }
          case OutcomeUnknownException unknown -> {
            ambiguous = true;
            placed = findStop(key.symbol(), stopId);
            wait = policy.backoff().delay(attempt);
          }
          case RetryableException retryable -> wait = policy.backoff().delay(attempt);
          case RateLimitedException limited -> wait = limited.retryAfter();
          case PersistenceException misplaced ->
              throw new IllegalStateException(
                  "an exchange gateway threw a persistence failure", misplaced);
        }
      }
      if (placed.isPresent()) {
        break;
      }
      audit.record(
          new AuditEvent.StopPlacementFailed(
              subject, attempt, last, !clock.now().plus(wait).isAfter(until)));
      if (clock.now().plus(wait).isAfter(until)) {
        return unprotected(
            action, key, subject, attempt, "no stop-loss within the deadline: " + last);
      }
      try {
        clock.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return unprotected(action, key, subject, attempt, "interrupted: " + last);
      }
    }
    return recordProtection(action, key, dbId, subject, placed.get(), attempt, context);
  }

  /** The stop of {@code side} already working on {@code symbol}, if the venue shows one. */
  private Optional<StopOrder> workingStop(Symbol symbol, PositionSide side) {
    return Retries.idempotent(
            clock, policy.callDeadline(), policy.backoff(), () -> gateway.openStopLosses(symbol))
        .stream()
        .filter(s -> !s.status().isFinal() && s.positionSide() == side)
        .findFirst();
  }

  /** Records a working stop on the row, in the book and with the trailing stop. */
  private ActionOutcome recordProtection(
      ReconcileAction action,
      PositionKey key,
      long dbId,
      Subject subject,
      StopOrder stop,
      int attempt,
      String context) {
    try {
      store.recordStop(
          dbId,
          stop.clientId(),
          stop.triggerPrice(),
          audit.toRecord(
              new AuditEvent.StopPlaced(
                  subject, stop.clientId(), stop.triggerPrice(), attempt, context)));
    } catch (PortException e) {
      log.error("stop {} of #{} is working but recording it failed", stop.clientId(), dbId, e);
      audit.record(
          new AuditEvent.OperationFailed(
              subject,
              "recordStop",
              "stop " + stop.clientId() + " works on the exchange; " + describe(e),
              Severity.ERROR));
      return new ActionOutcome(
          action,
          ActionOutcome.Status.FAILED,
          "stop "
              + stop.clientId()
              + " works on the exchange, but recording it failed: "
              + describe(e));
    }
    Optional<Position> protectedPosition =
        book.get(key)
            .filter(p -> p instanceof Position.Stored stored && stored.dbId() == dbId)
            .flatMap(p -> book.recordStop(key, p.id(), stop.clientId()));
    try {
      protectedPosition.ifPresent(p -> trailing.onStopPlaced(p, dbId, stop));
    } catch (PortException e) {
      audit.record(
          new AuditEvent.OperationFailed(
              subject, "trailing.onStopPlaced", describe(e), Severity.WARNING));
    }
    return applied(
        action, "stop " + stop.clientId() + " at " + stop.triggerPrice().toPlainString());
  }

  private Optional<StopOrder> findStop(Symbol symbol, ClientOrderId stopId) {
    try {
      return gateway.openStopLosses(symbol).stream()
          .filter(s -> s.clientId().equals(stopId) && !s.status().isFinal())
          .findFirst();
    } catch (PortException e) {
      log.warn("looking for stop {} on {} failed", stopId, symbol, e);
      return Optional.empty();
    }
  }

  /** The stop could not be placed: close at market, never leave the position unprotected. */
  private ActionOutcome unprotected(
      ReconcileAction action, PositionKey key, Subject subject, int attempts, String why) {
    audit.record(new AuditEvent.StopPlacementFailed(subject, Math.max(attempts, 1), why, false));
    List<String> failures = new ArrayList<>();
    for (int attempt = 1; attempt <= policy.emergencyCloseAttempts(); attempt++) {
      switch (closer.close(key, CloseReason.EMERGENCY)) {
        case PositionCloser.CloseOutcome.Closed closed -> {
          String detail =
              "no stop-loss ("
                  + why
                  + "); closed at market at "
                  + closed.exitPrice().toPlainString();
          audit.record(new AuditEvent.EmergencyClose(subject, why, true, detail));
          return new ActionOutcome(action, ActionOutcome.Status.FAILED, detail);
        }
        case PositionCloser.CloseOutcome.StillOpen open ->
            failures.add("attempt " + attempt + ": " + open.detail());
        case PositionCloser.CloseOutcome.Failed failed ->
            failures.add("attempt " + attempt + ": " + failed.reason());
      }
    }
    String detail = "no stop-loss (" + why + ") and the emergency close failed: " + failures;
    audit.record(new AuditEvent.EmergencyClose(subject, why, false, String.join("; ", failures)));
    log.error("EMERGENCY: {} may be open without a stop-loss: {}", key, detail);
    return new ActionOutcome(action, ActionOutcome.Status.FAILED, detail);
  }

  // ------------------------------------------------------------------ helpers

  private Instrument instrument(Symbol symbol) {
    return Retries.idempotent(
        clock, policy.callDeadline(), policy.backoff(), () -> instruments.get(gateway, symbol));
  }

  private Optional<Position> bookEntry(PositionRecord row) {
    return book.get(new PositionKey(exchange, row.symbol()))
        .filter(p -> p instanceof Position.Stored stored && stored.dbId() == row.id());
  }

  private Subject subjectOf(PositionRecord row) {
    return bookEntry(row)
        .map(Subject::of)
        .orElseGet(
            () ->
                Subject.stored(
                    new PositionKey(exchange, row.symbol()),
                    row.id(),
                    ReconcileIds.correlationOf(row).value()));
  }

  private Subject subjectOf(ReconcileAction action) {
    PositionKey key = new PositionKey(exchange, action.symbol());
    return switch (action) {
      case ReconcileAction.ExpirePending expire -> Subject.of(expire.pending());
      case ReconcileAction.ClosePhantom phantom -> subjectOf(phantom.row());
      case ReconcileAction.FollowExchange follow -> subjectOf(follow.row());
      case ReconcileAction.ReplaceStop replace -> subjectOf(replace.row());
      case ReconcileAction.AdoptMissing adopt -> Subject.symbol(key, "missing-" + key.symbol());
      case ReconcileAction.IgnoreMissing ignore -> Subject.symbol(key, "missing-" + key.symbol());
      case ReconcileAction.CloseMissing close -> Subject.symbol(key, "missing-" + key.symbol());
    };
  }

  private static ActionOutcome applied(ReconcileAction a, String detail) {
    return new ActionOutcome(a, ActionOutcome.Status.APPLIED, detail);
  }

  private static ActionOutcome skipped(ReconcileAction a, String detail) {
    return new ActionOutcome(a, ActionOutcome.Status.SKIPPED, detail);
  }
}
