package io.positionkeeper.runner.live;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.util.Modules;
import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.domain.audit.AuditSpool;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.domain.keeper.StartReport;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.JooqAccountLease;
import io.positionkeeper.postgres.JooqPositionStore;
import io.positionkeeper.postgres.JooqSignalSource;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.live.LeaseAcquisition.Taken;
import io.positionkeeper.runner.ops.Observability;
import io.positionkeeper.runner.ops.OpsSettings;
import io.positionkeeper.runner.wiring.KeeperModule;
import io.positionkeeper.runner.wiring.PostgresModule;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live mode on the configured venue (Binance or Bybit) with an external PostgreSQL and signals from
 * {@code monitoring.signals}: connects in the keeper's order (database, migrate, account, keeper
 * start), takes signals until {@link #stop()}, then stops taking signals, stops the keeper (streams
 * closed, audit flushed) and closes the connections. Positions stay protected by their stops on the
 * venue.
 */
public final class LiveSession {
  private static final Logger log = LoggerFactory.getLogger(LiveSession.class);
  static final String DB_PASSWORD_VAR = "KEEPER_DB_PASSWORD";
  static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);

  private final LiveConfig config;
  private final Map<String, String> env;
  private final Path home;
  private final Clock clock;
  private final Duration pollEvery;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile StartReport startReport;
  private final Duration leaseTtl;
  // The account's lease this session holds: the stores are bound to it (fenced writes).
  private volatile Lease held;
  private volatile Duration standbyRetry;
  private OpsSettings ops = OpsSettings.none();

  public LiveSession(
      LiveConfig config, Map<String, String> env, Path home, Clock clock, Duration pollEvery) {
    this(config, env, home, clock, pollEvery, DEFAULT_LEASE_TTL);
  }

  /** A session whose account lease lives {@code leaseTtl} without a renewal. */
  public LiveSession(
      LiveConfig config,
      Map<String, String> env,
      Path home,
      Clock clock,
      Duration pollEvery,
      Duration leaseTtl) {
    this.leaseTtl = Objects.requireNonNull(leaseTtl, "leaseTtl");
    this.config = Objects.requireNonNull(config, "config");
    this.env = Map.copyOf(env);
    this.home = Objects.requireNonNull(home, "home");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pollEvery = Objects.requireNonNull(pollEvery, "pollEvery");
  }

  /**
   * Runs until {@link #stop()} or until the account's lease is lost (then throws {@link
   * io.positionkeeper.ports.StaleLeaseException} after stopping the keeper). Every failure to
   * start, a lease held by another runner included ({@code LEASE_HELD}), is thrown before any
   * signal is taken.
   */
  public void run() throws IOException, InterruptedException {
    LiveVenue.Keys keys = LiveVenue.keys(config, env);
    String password = env.getOrDefault(DB_PASSWORD_VAR, "");
    Files.createDirectories(home);
    ExecutorService io =
        Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("keeper-io").unstarted(r));
    PostgresConfig database =
        PostgresConfig.of(config.databaseUrl(), config.databaseUser(), password);
    try {
      PostgresPool.migrate(database);
      try (HikariDataSource pool = PostgresPool.create(database)) {
        AccountLease leases = new JooqAccountLease(pool);
        // The lease comes first: a second runner on the account stops (or waits) here, before it
        // touches the account's audit spool or the venue.
        Optional<Taken> taken = acquire(leases, pool);
        if (taken.isEmpty()) {
          return; // stopped while standing by
        }
        Lease lease = taken.get().lease();
        log.info("lease of account {} taken, epoch {}", config.account(), lease.epoch());
        held = lease;
        LeaseRenewal renewal =
            new LeaseRenewal(
                leases, lease, taken.get().sentNanos(), leaseTtl, stopRequested::countDown);
        try (AuditSpool spool = AuditSpool.open(home.resolve(config.account() + "-audit.spool"))) {
          trade(pool, spool, keys, io, renewal);
        } finally {
          renewal.close();
          release(leases, renewal.current());
        }
        if (renewal.lost() != null) {
          throw renewal.lost();
        }
      }
    } finally {
      io.shutdown();
      stopped.countDown();
    }
  }

  private void trade(
      HikariDataSource pool,
      AuditSpool spool,
      LiveVenue.Keys keys,
      ExecutorService io,
      LeaseRenewal renewal)
      throws IOException, InterruptedException {
    BooleanSupplier leaseHeld = () -> renewal.lost() == null;
    // Each start-up step that acts for the account first checks the lease on this thread: the
    // acquisition or a step before may have taken most of its time-to-live (a loaded machine), and
    // a runner whose lease is lost must not touch the account, not even to set its leverage.
    renewal.ensureHeld("connect to the venue and set up the account");
    try (LiveVenue venue = keys.open(clock, io, renewal::ensureHeld);
        Observability observability =
            new Observability(ops, clock, List.of(config.exchange().exchange()), List.of())) {
      Injector injector =
          Guice.createInjector(
              venue.module(),
              Modules.override(observability.postgres(new PostgresModule(pool, spool, held)))
                  .with(new FenceReporting(renewal)),
              new KeeperModule(KeeperPolicy.standard(), observability.observer()));
      renewal.ensureHeld("start the keeper (restore, resync, reconcile)");
      watchOpenSymbols(injector, venue, config.exchange().exchange());
      Keeper keeper = injector.getInstance(Keeper.class);
      StartReport report;
      try {
        report = keeper.start();
        renewal.ensureHeld("go live and take signals");
      } catch (RuntimeException e) {
        stopAfterFailedStart(keeper, e);
        throw e;
      }
      startReport = report;
      log.info(
          "live on {} {} for account {}: {}",
          config.exchange().exchange(),
          config.venue(),
          config.account(),
          report);
      try {
        observability.keeperStarted(
            keeper, injector.getInstance(BatchingAuditWriter.class), pool, leaseHeld);
        takeSignals(keeper, pool);
      } catch (StaleLeaseException e) {
        // Caught here, inside the observability's scope, so its last check sees the lease lost.
        renewal.fencedOut(e);
        throw e;
      } finally {
        keeper.stop();
      }
    }
  }

  /** Binds the position store so that a write the database fenced out ends the lease at once. */
  private static final class FenceReporting extends AbstractModule {
    private final LeaseRenewal renewal;

    FenceReporting(LeaseRenewal renewal) {
      this.renewal = renewal;
    }

    @Provides
    @Singleton
    PositionStore store(JooqPositionStore store) {
      return new FenceReportingStore(store, renewal::fencedOut);
    }
  }

  /** Stops a keeper whose start failed or came too late, so none of its periodic work goes on. */
  private static void stopAfterFailedStart(Keeper keeper, RuntimeException failure) {
    try {
      keeper.stop();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Runs as a standby when another runner holds the account: instead of refusing to start, waits
   * and tries to take the lease every {@code retryEvery}; the first runner's lease expires {@code
   * leaseTtl} after its last renewal (it died, or lost its database), and this runner then starts
   * as after a restart: restore, resync, reconcile.
   */
  public LiveSession standby(Duration retryEvery) {
    if (!retryEvery.isPositive()) {
      throw new IllegalArgumentException("standby retry must be positive, was " + retryEvery);
    }
    this.standbyRetry = retryEvery;
    return this;
  }

  /** The lease, or empty when stopped while standing by; LEASE_HELD unless a standby. */
  private Optional<Taken> acquire(AccountLease leases, HikariDataSource pool)
      throws InterruptedException {
    return new LeaseAcquisition(leases, () -> PostgresPool.warmUp(pool), leaseTtl)
        .take(AccountId.of(config.account()), holder(), standbyRetry, stopRequested);
  }

  /** Gives the lease up at the end; a failure is logged, the lease then simply expires. */
  private static void release(AccountLease leases, Lease lease) {
    try {
      leases.release(lease);
    } catch (RuntimeException e) {
      log.error(
          "releasing the lease of account {} failed; it expires by itself", lease.account(), e);
    }
  }

  /**
   * This runner instance's name on the lease and on the signals it claims; unique per session (a
   * random part), so two runners never pass for one, even in one process or after a pid is reused.
   */
  private static String holder() {
    String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    return host + "/" + ProcessHandle.current().pid() + "/" + java.util.UUID.randomUUID();
  }

  /**
   * Subscribes the stored open positions' marks before the keeper starts the streams: a
   * subscription made after the streams resynced reconnects the market stream, and the keeper's
   * first reconciliation is then refused as read across a connection change. The venue's adapter is
   * told the stored rows first (the names of their stops).
   */
  private static void watchOpenSymbols(Injector injector, LiveVenue venue, Exchange exchange) {
    List<PositionRecord> rows =
        injector.getInstance(PositionStore.class).loadOpen().stream()
            .filter(r -> r.exchange() == exchange)
            .toList();
    venue.restore(rows);
    Set<Symbol> open =
        rows.stream().map(PositionRecord::symbol).collect(Collectors.toUnmodifiableSet());
    injector.getInstance(ExchangeStreams.class).watchMarkPrices(open);
  }

  /** Signals from where the configuration says: the database, a file or standard input. */
  private void takeSignals(Keeper keeper, HikariDataSource pool)
      throws IOException, InterruptedException {
    LiveConfig.SignalInput input = config.signals();
    LineSignals lines = new LineSignals(config.exchange().exchange());
    switch (input) {
      case LiveConfig.SignalInput.Database d ->
          takeSignals(keeper, new JooqSignalSource(pool, held.holder(), held));
      case LiveConfig.SignalInput.File f ->
          new LineSignalInput(
                  Files.newBufferedReader(f.path(), StandardCharsets.UTF_8),
                  f.path().toString(),
                  lines)
              .take(keeper, stopRequested, pollEvery);
      case LiveConfig.SignalInput.Stdin s ->
          new LineSignalInput(
                  new InputStreamReader(System.in, StandardCharsets.UTF_8), "stdin", lines)
              .take(keeper, stopRequested, pollEvery);
    }
  }

  private void takeSignals(Keeper keeper, SignalSource signals) throws InterruptedException {
    while (stopRequested.getCount() > 0) {
      List<Signal> claimed = signals.claim(10);
      for (Signal signal : claimed) {
        act(keeper, signals, signal);
      }
      if (claimed.isEmpty()) {
        stopRequested.await(pollEvery.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    }
  }

  private void act(Keeper keeper, SignalSource signals, Signal signal) {
    Exchange exchange = config.exchange().exchange();
    if (!signal.exchange().equals(exchange)) {
      signals.complete(
          signal.id(), SignalOutcome.REJECTED, "this runner trades on " + exchange + " only");
      return;
    }
    OpenIntent intent;
    try {
      intent = SignalIntents.of(signal);
    } catch (IllegalArgumentException e) {
      // A row the database's checks let through but the model refuses (a trailing activation of
      // 1e400): that signal is refused, the runner and the signals after it go on.
      log.warn("signal {} refused: {}", signal.id(), e.getMessage());
      signals.complete(signal.id(), SignalOutcome.REJECTED, "unreadable: " + e.getMessage());
      return;
    }
    OpenResult result = keeper.open(intent);
    switch (result) {
      case OpenResult.Opened opened -> {
        log.info("signal {} opened: {}", signal.id(), opened);
        signals.complete(signal.id(), SignalOutcome.OPENED, "opened");
      }
      case OpenResult.Refused refused -> {
        log.warn("signal {} refused: {}", signal.id(), refused.reason());
        signals.complete(signal.id(), SignalOutcome.REJECTED, refused.reason());
      }
      case OpenResult.Failed failed -> {
        log.error("signal {} failed at {}: {}", signal.id(), failed.stage(), failed.reason());
        signals.complete(
            signal.id(), SignalOutcome.FAILED, failed.stage() + ": " + failed.reason());
      }
    }
  }

  /** Serves metrics and health and sends alerts as {@code settings} say (default: neither). */
  public LiveSession withOps(OpsSettings settings) {
    this.ops = Objects.requireNonNull(settings, "settings");
    return this;
  }

  /** What the keeper's start did, once it started. */
  public Optional<StartReport> startReport() {
    return Optional.ofNullable(startReport);
  }

  /** Stops taking signals and waits until the keeper stopped (for SIGTERM and Ctrl-C). */
  public void stop() throws InterruptedException {
    stopRequested.countDown();
    stopped.await();
  }
}
