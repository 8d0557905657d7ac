package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.audit.AuditSink;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.open.PositionOpener;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.position.PositionLoader;
import io.positionkeeper.domain.reconcile.ReconcileResult;
import io.positionkeeper.domain.reconcile.Reconciler;
import io.positionkeeper.domain.stream.ConnectionMonitor;
import io.positionkeeper.domain.tracking.OwnExits;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.tracking.PositionTracker;
import io.positionkeeper.domain.trailing.TrailingHealthCheck;
import io.positionkeeper.domain.trailing.TrailingRestorer;
import io.positionkeeper.domain.trailing.TrailingStopManager;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain assembled for one account on one or more venues: the one place that decides in which
 * order stream events reach the connection monitor, the book and the trailing stops, routes every
 * call by venue, runs the start and stop orders, and schedules the periodic work (trailing timer,
 * owed closes, reconciliation, health check, audit flush) on the {@link Clock}, so a manual clock
 * drives all of it in tests. Bots, tests, benchmarks, the simulator and the runner build it with
 * {@link #builder}.
 */
public final class Keeper implements PositionKeeper {
  private static final Logger log = LoggerFactory.getLogger(Keeper.class);

  private final Clock clock;
  private final KeeperPolicy policy;
  private final PositionStore store;
  private final TrailingStopStore trailingStore;
  private final AuditTrail audit;
  private final Optional<BatchingAuditWriter> writer;
  private final PositionBook book;
  private final InstrumentCatalog instruments = new InstrumentCatalog();
  private final PositionCloser closer;
  private final PositionOpener opener;
  private final Map<Exchange, VenueParts> venues = new EnumMap<>(Exchange.class);
  private final Optional<ExecutorService> ownedIo;
  private final KeeperSchedule schedule;
  private volatile boolean accepting;
  private boolean started;

  /** One venue's parts, wired in the keeper's order. */
  private record VenueParts(
      ExchangeGateway gateway,
      ExchangeStreams streams,
      ConnectionMonitor monitor,
      PositionTracker tracker,
      TrailingStopManager trailing,
      Reconciler reconciler,
      TrailingHealthCheck health,
      MarkWatch watch,
      ProtectionWatch protection) {}

  private Keeper(KeeperBuilder b) {
    this.clock = b.clock;
    this.policy = b.policy;
    this.store = b.store;
    this.trailingStore = b.trailingStore;
    this.writer = Optional.ofNullable(b.writer);
    AuditSink sink = b.writer != null ? b.writer : b.sink;
    this.audit = new AuditTrail(clock, sink);
    this.book = new PositionBook(clock, new OwnExits());
    this.ownedIo =
        b.io == null
            ? Optional.of(
                Executors.newSingleThreadExecutor(
                    r -> Thread.ofPlatform().name("keeper-io").daemon(true).unstarted(r)))
            : Optional.empty();
    Executor io = b.io != null ? b.io : ownedIo.orElseThrow();
    Map<Exchange, ExchangeGateway> gateways = new EnumMap<>(Exchange.class);
    b.venues.forEach((exchange, venue) -> gateways.put(exchange, venue.gateway()));
    Map<Exchange, TrailingStopManager> managers = new EnumMap<>(Exchange.class);
    TrailingRouter trailing = new TrailingRouter(managers);
    this.closer =
        new PositionCloser(
            gateways, store, book, audit, trailing, clock, policy.closeOrderDeadline());
    for (var venue : b.venues.values()) {
      Exchange exchange = venue.gateway().exchange();
      TrailingStopManager manager =
          new TrailingStopManager(
              new TrailingStopManager.Venue(
                  venue.gateway(), book, instruments, this::closeOnTrailingLevel),
              store,
              trailingStore,
              audit,
              clock,
              policy.trailing(),
              io);
      managers.put(exchange, manager);
      ConnectionMonitor monitor = new ConnectionMonitor(exchange);
      venues.put(
          exchange,
          new VenueParts(
              venue.gateway(),
              venue.streams(),
              monitor,
              new PositionTracker(exchange, book, store, audit, closer),
              manager,
              new Reconciler(
                  venue.gateway(),
                  monitor,
                  store,
                  book,
                  audit,
                  trailing,
                  closer,
                  clock,
                  policy.reconcile(),
                  instruments,
                  b.safeguards.reconcile()),
              new TrailingHealthCheck(venue.gateway(), monitor, manager, audit),
              new MarkWatch(exchange, venue.streams(), book),
              new ProtectionWatch(exchange, book)));
    }
    this.opener =
        new PositionOpener(
            gateways,
            store,
            book,
            audit,
            trailing,
            closer,
            clock,
            policy.open(),
            instruments,
            b.safeguards.intentGuard(),
            b.safeguards.rollback());
    this.schedule = new KeeperSchedule(clock);
  }

  /** A builder for a keeper on {@code clock} with the given stores and audit sink. */
  public static KeeperBuilder builder(
      Clock clock, PositionStore store, TrailingStopStore trailingStore) {
    return new KeeperBuilder(clock, store, trailingStore, Keeper::new);
  }

  // ------------------------------------------------------------------ start and stop

  @Override
  public synchronized StartReport start() {
    if (started) {
      throw new IllegalStateException("a keeper starts once");
    }
    started = true;
    List<PositionRecord> rows = PositionLoader.load(store, book);
    int restored = 0;
    int fresh = 0;
    TrailingRestorer restorer =
        new TrailingRestorer(trailingStore, audit, clock, policy.trailing());
    for (var entry : venues.entrySet()) {
      List<PositionRecord> mine =
          rows.stream().filter(r -> r.exchange() == entry.getKey()).toList();
      var report = restorer.restore(mine, entry.getValue().trailing());
      restored += report.restored();
      fresh += report.fresh();
    }
    for (VenueParts v : venues.values()) {
      v.streams().start(this.fanOut(v));
    }
    List<Exchange> notReady = new ArrayList<>();
    List<ReconcileResult> reconciled = new ArrayList<>();
    for (var entry : venues.entrySet()) {
      VenueParts v = entry.getValue();
      if (!awaitReady(v.monitor())) {
        notReady.add(entry.getKey());
      }
      loadInstruments(v);
      v.watch().refresh();
      reconciled.add(reconcileVenue(v));
    }
    accepting = true;
    schedulePeriodicWork();
    log.info(
        "keeper started: {} positions, {} trailing stops restored, {} fresh, not ready: {}",
        rows.size(),
        restored,
        fresh,
        notReady);
    return new StartReport(rows.size(), restored, fresh, notReady, reconciled);
  }

  /**
   * Stream events reach the monitor, then the book, then the trailing stops, then the protection
   * watch, in that order; each of them whatever an earlier one threw (see {@link StreamFanOut}).
   */
  private io.positionkeeper.ports.StreamListener fanOut(VenueParts v) {
    return new StreamFanOut(
        v.gateway().exchange(),
        audit,
        List.of(
            new StreamFanOut.Named("connection monitor", v.monitor()::onEvent),
            new StreamFanOut.Named("position tracker", v.tracker()::onEvent),
            new StreamFanOut.Named("trailing stops", v.trailing()::onEvent),
            new StreamFanOut.Named("protection watch", v.protection()::onEvent)));
  }

  private boolean awaitReady(ConnectionMonitor monitor) {
    var until = clock.now().plus(policy.readyTimeout());
    while (!monitor.isReady()) {
      if (!clock.now().isBefore(until)) {
        log.warn("{} streams not resynced after {}", monitor.exchange(), policy.readyTimeout());
        return false;
      }
      try {
        clock.sleep(java.time.Duration.ofMillis(100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Reads every instrument's rules before mark prices flow: a tick never waits on the venue. */
  private void loadInstruments(VenueParts v) {
    try {
      instruments.loadAll(v.gateway());
    } catch (io.positionkeeper.ports.PortException e) {
      log.warn(
          "instrument rules of {} unavailable at start; the trailing timer reads them",
          v.gateway().exchange(),
          e);
    }
  }

  private void schedulePeriodicWork() {
    schedule.every(policy.trailingTimerEvery(), "trailing timer", this::onTrailingTimer);
    schedule.every(policy.reconcileEvery(), "reconciliation", this::reconcile);
    schedule.every(
        policy.healthCheckEvery(),
        "health check",
        () -> venues.values().forEach(v -> v.health().check()));
    writer.ifPresent(w -> schedule.every(policy.auditFlushEvery(), "audit flush", w::tick));
  }

  private void onTrailingTimer() {
    closer.settleAllOwed();
    for (VenueParts v : venues.values()) {
      v.trailing().onTimer();
      v.watch().refresh();
      reconcileIfOwed(v);
    }
  }

  /**
   * Reconciles one venue before its period when its stream said a position's stop is gone or the
   * stream was resynced after a gap: the position is re-protected within a timer tick, not a
   * reconciliation period. A refused run (streams not ready, a read failed) stays owed. While the
   * streams have been down for the policy's {@code blindAfter}, the venue is read by REST alone on
   * that cadence: no stream tells of a stop cancelled by hand during an outage of any length.
   */
  private void reconcileIfOwed(VenueParts v) {
    Instant now = clock.now();
    if (v.monitor().isReady()) {
      if (v.protection().due(now)) {
        reconcileVenue(v);
      }
      return;
    }
    Duration blindAfter = policy.reconcile().blindAfter();
    if (v.monitor().blindFor(now).compareTo(blindAfter) >= 0
        && (v.protection().due(now) || v.protection().blindRunDue(now, blindAfter))) {
      reconcileVenue(v);
    }
  }

  /**
   * Reconciles one venue; a run that read every position's stops and applied every action settles
   * what its protection watch had noticed. A run that could not read some (a refused read leaves
   * their protection unknown) settles nothing: a stop reported gone must still be re-protected as
   * soon as a read passes, not a reconciliation period later.
   */
  private ReconcileResult reconcileVenue(VenueParts v) {
    long seen = v.protection().mark();
    ReconcileResult result;
    try {
      result = v.reconciler().reconcile();
    } catch (RuntimeException e) {
      // Thrown outside the ports' taxonomy (a driver's bug reading the venue or the store): the
      // run decided nothing, so what it was to repair (an extra stop beside a position's own, a
      // position without one) is owed to the timer's next tick, not to the next period.
      v.protection().failed(clock.now());
      throw e;
    }
    switch (result) {
      case ReconcileResult.Completed c -> {
        if (!c.stopsUnread().isEmpty() || c.errors() > 0) {
          // A failed action (an adoption the store refused, a stop that could not be placed)
          // left a position as unprotected as before: it is owed again, not a period later.
          v.protection().unrepaired(clock.now());
        } else if (c.deferred() > 0) {
          // A re-protection left to a close being sent: if that close is refused, the position
          // has no stop, so the news stays owed until a run after the close finds it settled.
          v.protection().deferred(clock.now());
        } else {
          v.protection().reconciled(seen);
        }
      }
      case ReconcileResult.Refused r -> {
        // A run asked for inside another (the clock ran the timer while that run waited) is no
        // venue refusing reads: counted, it grew the wait before the next owed run, and a stop
        // cancelled while the outer run waited was re-protected only after it (seed 17003117).
        if (!r.alreadyRunning()) {
          v.protection().unsettled(clock.now());
        }
      }
    }
    return result;
  }

  @Override
  public synchronized void stop() {
    accepting = false;
    schedule.cancelAll();
    for (VenueParts v : venues.values()) {
      try {
        v.streams().close();
      } catch (RuntimeException e) {
        log.error("closing the {} streams failed", v.gateway().exchange(), e);
      }
    }
    ownedIo.ifPresent(Keeper::drain);
    writer.ifPresent(BatchingAuditWriter::close);
  }

  private static void drain(ExecutorService io) {
    io.shutdown();
    try {
      if (!io.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("trailing-stop work still running at stop; it is abandoned");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ inbound

  @Override
  public OpenResult open(OpenIntent intent) {
    if (!accepting) {
      return new OpenResult.Refused("the keeper is not accepting opens (not started or stopping)");
    }
    OpenResult result = opener.open(intent);
    Optional.ofNullable(venues.get(intent.exchange())).ifPresent(v -> v.watch().refresh());
    return result;
  }

  @Override
  public PositionCloser.CloseOutcome close(PositionKey key) {
    return closer.close(key, CloseReason.MANUAL);
  }

  @Override
  public List<Position> positions() {
    return book.all();
  }

  @Override
  public List<ReconcileResult> reconcile() {
    return venues.values().stream().map(this::reconcileVenue).toList();
  }

  @Override
  public List<ReconcileResult> dryRun() {
    return venues.values().stream().map(v -> v.reconciler().dryRun()).toList();
  }

  /** The trailing stop of one venue, for status screens and tests. */
  public TrailingStopManager trailing(Exchange exchange) {
    return Objects.requireNonNull(venues.get(exchange), "no venue " + exchange).trailing();
  }

  /**
   * The keeper's book, for status views and tests that inspect it. Changing it by hand bypasses
   * every rule the keeper keeps; nothing in a bot should.
   */
  public PositionBook book() {
    return book;
  }

  /**
   * The listener the keeper gives a venue's streams: for a bot that delivers a venue's events
   * itself (its own stream adapter), in the venue's order.
   */
  public io.positionkeeper.ports.StreamListener listener(Exchange exchange) {
    return fanOut(Objects.requireNonNull(venues.get(exchange), "no venue " + exchange));
  }

  /** The audit trail events are recorded on. */
  public AuditTrail audit() {
    return audit;
  }

  private void closeOnTrailingLevel(PositionKey key, long dbId, CloseReason reason) {
    switch (closer.close(key, reason)) {
      case PositionCloser.CloseOutcome.Closed closed -> {}
      case PositionCloser.CloseOutcome.StillOpen open ->
          log.warn("{} crossed its trailing level; still open: {}", key, open.detail());
      case PositionCloser.CloseOutcome.Failed failed ->
          throw new IllegalStateException(
              "closing " + key + " at its trailing level failed: " + failed.reason());
      case PositionCloser.CloseOutcome.Underway underway ->
          log.info("{} crossed its trailing level; its close is already being sent", key);
    }
  }
}
