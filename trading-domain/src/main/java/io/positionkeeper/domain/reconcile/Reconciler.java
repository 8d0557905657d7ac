package io.positionkeeper.domain.reconcile;

import static io.positionkeeper.domain.venue.Failures.describe;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.retry.Retries;
import io.positionkeeper.domain.stream.ConnectionMonitor;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares one exchange with the stored rows and the book, and repairs the difference. Runs at
 * startup after the positions and trailing stops are restored and before signals are taken, then
 * periodically.
 *
 * <p>It trusts only what it can: it refuses to run on an incomplete snapshot, when a read fails,
 * when the connection changed while reading, and while the streams are down (not {@code RESYNCED})
 * for less than the policy's {@code blindAfter}: a reconnect's resync, with its own run, is likely
 * first. Past that it reads the venue by REST alone, since no stream tells of a stop cancelled on
 * the venue meanwhile. A refusal changes nothing. A phantom needs two complete snapshots to agree.
 * Every change to a row is written with its event in one store call; everything else is an audit
 * event too.
 */
public final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final ExchangeGateway gateway;
  private final Exchange exchange;
  private final ConnectionMonitor monitor;
  private final PositionStore store;
  private final PositionBook book;
  private final AuditTrail audit;
  private final Clock clock;
  private final ReconcilePolicy policy;
  private final ReconcileRule rule;
  private final ReconcileContext c;
  private final Protection protection;
  private final Adoption adoption;
  private final PhantomClose phantoms;
  private final OrphanStops orphans;
  private boolean running;

  /** A reconciler that decides by {@code rule} (the keeper passes the standard one). */
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
      InstrumentCatalog instruments,
      ReconcileRule rule) {
    this.rule = Objects.requireNonNull(rule, "rule");
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
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.c =
        new ReconcileContext(
            gateway, store, book, audit, trailing, closer, clock, policy, instruments);
    this.protection = new Protection(c);
    this.adoption = new Adoption(c, protection);
    this.phantoms = new PhantomClose(c);
    this.orphans = new OrphanStops(c);
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
    // Other threads wait on the lock; the same thread can only get here again from inside a run
    // (a clock whose sleep runs due work, a listener called back while we act). A nested run
    // would read the venue before the outer one's stop lands and place a second one.
    if (running) {
      log.debug(
          "reconciliation of {} not started: one is already running on this thread", exchange);
      return new ReconcileResult.Refused(
          exchange, "a reconciliation is already running on this thread", true);
    }
    running = true;
    try {
      return runOnce(dryRun);
    } finally {
      running = false;
    }
  }

  private ReconcileResult runOnce(boolean dryRun) {
    ReconcileInputs inputs;
    ConnectionMonitor.Sight sight;
    try {
      Optional<ConnectionMonitor.Sight> now = monitor.sight(clock.now(), policy.blindAfter());
      if (now.isEmpty()) {
        return refuse(
            "the streams are "
                + monitor.state()
                + ", not RESYNCED (by REST alone once they have been down for "
                + policy.blindAfter()
                + ")");
      }
      sight = now.get();
      if (sight instanceof ConnectionMonitor.Sight.Blind blind) {
        log.warn(
            "reconciling {} by REST alone: its streams have been {} for {}, so no stream tells"
                + " of a stop cancelled or a position changed on the venue",
            exchange,
            blind.state(),
            blind.blind());
      }
      inputs = read(sight);
    } catch (Refusal r) {
      return refuse(r.getMessage());
    }
    List<ReconcileAction> actions = new ArrayList<>(rule.decide(inputs, policy));
    Map<Symbol, ExchangePosition> live = ReconcileDecision.live(inputs.snapshot());
    actions.addAll(orphans.find(inputs, live.keySet()));
    actions.addAll(orphans.beside(inputs, live));
    int flat = inputs.snapshot().positions().size() - live.size();
    List<Symbol> unread = stopsUnread(inputs, live);
    int inSync = inSync(inputs, live, actions, unread);

    List<ActionOutcome> outcomes = new ArrayList<>();
    for (ReconcileAction action : actions) {
      if (dryRun) {
        outcomes.add(new ActionOutcome(action, ActionOutcome.Status.PLANNED, ""));
        continue;
      }
      if (!monitor.unchanged(sight)) {
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
            exchange, dryRun, inputs.stored().size(), live.size(), flat, inSync, unread, outcomes);
    log.info(
        "reconciliation of {}{}: {} rows, {} on the exchange ({} flat rows ignored), {} in sync,"
            + " {} with unknown stops, {} actions, {} failed",
        exchange,
        dryRun ? " (dry run)" : "",
        result.storedOpen(),
        result.exchangeOpen(),
        flat,
        inSync,
        unread.size(),
        outcomes.size(),
        result.errors());
    if (!unread.isEmpty()) {
      log.warn(
          "reconciliation of {}: the open stops of {} symbols could not be read, their protection"
              + " is unknown and nothing was decided on it: {}",
          exchange,
          unread.size(),
          unread);
    }
    outcomes.forEach(o -> log.info("  {}", o));
    return result;
  }

  /**
   * The open rows on the exchange whose stops could not be read: their protection is unknown, so
   * they are neither in sync nor repaired in this run.
   */
  private static List<Symbol> stopsUnread(
      ReconcileInputs inputs, Map<Symbol, ExchangePosition> live) {
    return inputs.stored().stream()
        .filter(r -> r.status().isOpen() && live.containsKey(r.symbol()))
        .map(PositionRecord::symbol)
        .filter(s -> !inputs.stops().containsKey(s))
        .distinct()
        .sorted()
        .toList();
  }

  /**
   * Rows on the exchange, with their stops read, that need neither a change of size nor a new stop.
   */
  private static int inSync(
      ReconcileInputs inputs,
      Map<Symbol, ExchangePosition> live,
      List<ReconcileAction> actions,
      List<Symbol> unread) {
    Set<Symbol> notInSync = new HashSet<>(unread);
    actions.stream()
        .filter(
            a ->
                a instanceof ReconcileAction.FollowExchange
                    || a instanceof ReconcileAction.ReplaceStop)
        .map(ReconcileAction::symbol)
        .forEach(notInSync::add);
    return (int)
        inputs.stored().stream()
            .filter(r -> live.containsKey(r.symbol()) && !notInSync.contains(r.symbol()))
            .count();
  }

  private ReconcileResult refuse(String reason) {
    log.warn("reconciliation of {} refused, nothing changed: {}", exchange, reason);
    return new ReconcileResult.Refused(exchange, reason, false);
  }

  /** A reason not to trust what was read. */
  private static final class Refusal extends Exception {
    Refusal(String message) {
      super(message);
    }
  }

  private ReconcileInputs read(ConnectionMonitor.Sight sight) throws Refusal {
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
    Map<Symbol, List<StopOrder>> stops = openStops(stopsWanted(stored, live, first, bookNow));
    if (!monitor.unchanged(sight)) {
      throw new Refusal(
          "the connection changed while reading (read on "
              + sight
              + ", now "
              + monitor.state()
              + ")");
    }
    return new ReconcileInputs(exchange, stored, bookNow, first, confirmation, stops, clock.now());
  }

  /**
   * The symbols whose stops the run decides on: the open rows the exchange holds, and the flat
   * symbols the venue lists that the book holds nothing for (where an orphan stop can be).
   */
  private static Set<Symbol> stopsWanted(
      List<PositionRecord> stored,
      Map<Symbol, ExchangePosition> live,
      PositionSnapshot.Complete snapshot,
      List<Position> bookNow) {
    Set<Symbol> wanted = new TreeSet<>();
    stored.stream()
        .filter(r -> r.status().isOpen() && live.containsKey(r.symbol()))
        .forEach(r -> wanted.add(r.symbol()));
    Set<Symbol> inBook = new HashSet<>();
    bookNow.forEach(p -> inBook.add(p.key().symbol()));
    snapshot.positions().stream()
        .map(ExchangePosition::symbol)
        .filter(s -> !live.containsKey(s) && !inBook.contains(s))
        .forEach(wanted::add);
    return wanted;
  }

  /**
   * The open stops of the wanted symbols, every one with an entry (empty when none works), from one
   * read of all the account's stops: one request a run instead of one a symbol, which spent the
   * venue's request weight at startup. When that read fails, no symbol has an entry: their stops
   * are unknown in this run, reported as such, and nothing is decided on them.
   */
  private Map<Symbol, List<StopOrder>> openStops(Set<Symbol> wanted) {
    if (wanted.isEmpty()) {
      return Map.of();
    }
    List<StopOrder> all;
    try {
      all =
          Retries.idempotent(
              clock, policy.callDeadline(), policy.backoff(), gateway::allOpenStopLosses);
    } catch (PortException e) {
      log.warn(
          "the open stops of {} could not be read; the protection of {} symbols is unknown in this"
              + " run",
          exchange,
          wanted.size(),
          e);
      return Map.of();
    }
    Map<Symbol, List<StopOrder>> stops = new HashMap<>();
    wanted.forEach(s -> stops.put(s, new ArrayList<>()));
    for (StopOrder stop : all) {
      List<StopOrder> of = stops.get(stop.symbol());
      if (of != null) {
        of.add(stop);
      }
    }
    return stops;
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
      case ReconcileAction.ClosePhantom phantom -> phantoms.close(phantom);
      case ReconcileAction.FollowExchange follow -> follow(follow);
      case ReconcileAction.ReplaceStop replace -> protection.replaceStop(replace);
      case ReconcileAction.AdoptMissing adopt -> adoption.adopt(adopt);
      case ReconcileAction.IgnoreMissing ignore -> adoption.ignore(ignore);
      case ReconcileAction.CloseMissing close -> adoption.closeMissing(close);
      case ReconcileAction.CancelOrphanStop orphan -> orphans.cancel(orphan);
      case ReconcileAction.CancelExtraStop extra -> orphans.cancelExtra(extra);
      case ReconcileAction.RecordWorkingStop record -> recordWorking(record);
    };
  }

  private ActionOutcome expire(ReconcileAction.ExpirePending a) {
    Position pending = a.pending();
    Optional<Position> removed = book.remove(pending.key(), pending.id());
    if (removed.isEmpty()) {
      return ActionOutcome.skipped(a, "no longer in the book (promoted or removed meanwhile)");
    }
    // The event about a pending position carries its correlation key and no id: it has no row.
    audit.record(new AuditEvent.PendingExpired(Subject.of(pending), a.age()));
    return ActionOutcome.applied(a, "removed " + pending.correlationKey());
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
                c.subjectOf(row), a.side(), a.quantity(), a.entryPrice(), "reconcile")));
    if (c.bookEntry(row).isPresent()) {
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
    return ActionOutcome.applied(a, "row follows the exchange");
  }

  private ActionOutcome recordWorking(ReconcileAction.RecordWorkingStop a) {
    PositionRecord row = a.row();
    PositionKey key = c.key(row.symbol());
    Optional<Position> holder = book.get(key);
    if (holder.isPresent()
        && holder.get().phase() == io.positionkeeper.domain.position.Phase.PROTECTING) {
      return ActionOutcome.skipped(a, "its opener is placing the stop; the next run decides");
    }
    return protection.recordProtection(
        a,
        key,
        row.id(),
        c.subjectOf(row),
        a.stop(),
        1,
        "recorded: the row named a stop no longer working");
  }

  private Subject subjectOf(ReconcileAction action) {
    PositionKey key = new PositionKey(exchange, action.symbol());
    return switch (action) {
      case ReconcileAction.ExpirePending expire -> Subject.of(expire.pending());
      case ReconcileAction.ClosePhantom phantom -> c.subjectOf(phantom.row());
      case ReconcileAction.FollowExchange follow -> c.subjectOf(follow.row());
      case ReconcileAction.ReplaceStop replace -> c.subjectOf(replace.row());
      case ReconcileAction.AdoptMissing adopt -> Subject.symbol(key, "missing-" + key.symbol());
      case ReconcileAction.IgnoreMissing ignore -> Subject.symbol(key, "missing-" + key.symbol());
      case ReconcileAction.CloseMissing close -> Subject.symbol(key, "missing-" + key.symbol());
      case ReconcileAction.CancelExtraStop extra -> c.subjectOf(extra.row());
      case ReconcileAction.RecordWorkingStop record -> c.subjectOf(record.row());
      case ReconcileAction.CancelOrphanStop orphan ->
          Subject.symbol(key, orphan.stop().clientId().value());
    };
  }
}
