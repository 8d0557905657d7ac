package io.positionkeeper.runner.live;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.binance.BinanceGateway;
import io.positionkeeper.binance.BinanceStreams;
import io.positionkeeper.binance.auth.Credentials;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.domain.audit.AuditSpool;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.domain.keeper.StartReport;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.JooqAccountLease;
import io.positionkeeper.postgres.JooqSignalSource;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.ops.Observability;
import io.positionkeeper.runner.ops.OpsSettings;
import io.positionkeeper.runner.wiring.BinanceModule;
import io.positionkeeper.runner.wiring.KeeperModule;
import io.positionkeeper.runner.wiring.PostgresModule;
import java.io.IOException;
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
 * Live mode on Binance with an external PostgreSQL and signals from {@code monitoring.signals}:
 * connects in the keeper's order (database, migrate, account, keeper start), takes signals until
 * {@link #stop()}, then stops taking signals, stops the keeper (streams closed, audit flushed) and
 * closes the connections. Positions stay protected by their stops on the venue.
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
    Credentials credentials = credentials();
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
        // The lease comes first: a second runner on the account stops here, before it touches
        // the account's audit spool or the venue.
        Lease lease = leases.acquire(AccountId.of(config.account()), holder(), leaseTtl);
        log.info("lease of account {} taken, epoch {}", config.account(), lease.epoch());
        LeaseRenewal renewal = new LeaseRenewal(leases, lease, leaseTtl, stopRequested::countDown);
        try (AuditSpool spool = AuditSpool.open(home.resolve(config.account() + "-audit.spool"))) {
          trade(pool, spool, credentials, io, () -> renewal.lost() == null);
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
      Credentials credentials,
      ExecutorService io,
      BooleanSupplier leaseHeld)
      throws InterruptedException, IOException {
    BinanceGateway gateway =
        BinanceGateway.open(
            config.binance(),
            credentials,
            clock,
            TradingSettings.defaults().withSymbols(config.symbols()));
    try (gateway;
        Observability observability =
            new Observability(ops, clock, List.of(Exchange.BINANCE), List.of())) {
      Injector injector =
          Guice.createInjector(
              new BinanceModule(gateway, new BinanceStreams(gateway), clock, io),
              observability.postgres(new PostgresModule(pool, spool)),
              new KeeperModule(KeeperPolicy.standard(), observability.observer()));
      watchOpenSymbols(injector);
      Keeper keeper = injector.getInstance(Keeper.class);
      StartReport report = keeper.start();
      startReport = report;
      log.info("live on {} for account {}: {}", config.venue(), config.account(), report);
      try {
        observability.keeperStarted(
            keeper, injector.getInstance(BatchingAuditWriter.class), pool, leaseHeld);
        takeSignals(keeper, new JooqSignalSource(pool, config.account()));
      } finally {
        keeper.stop();
      }
    }
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
   * This runner instance's name on the lease. The lease lets the same holder take it again, so the
   * name must differ between two runners even in one process (tests) or after a pid is reused: a
   * random part makes every session a holder of its own.
   */
  private static String holder() {
    String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    return host + "/" + ProcessHandle.current().pid() + "/" + java.util.UUID.randomUUID();
  }

  /**
   * Subscribes the stored open positions' marks before the keeper starts the streams: a
   * subscription made after the streams resynced reconnects the market stream, and the keeper's
   * first reconciliation is then refused as read across a connection change.
   */
  private static void watchOpenSymbols(Injector injector) {
    Set<Symbol> open =
        injector.getInstance(PositionStore.class).loadOpen().stream()
            .filter(r -> r.exchange() == Exchange.BINANCE)
            .map(PositionRecord::symbol)
            .collect(Collectors.toUnmodifiableSet());
    injector.getInstance(ExchangeStreams.class).watchMarkPrices(open);
  }

  private Credentials credentials() {
    return switch (config.venue()) {
      case TESTNET -> Credentials.fromEnvironment(env, true);
      case MAINNET, DEMO, CUSTOM -> Credentials.fromEnvironment(env, false);
    };
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

  private static void act(Keeper keeper, SignalSource signals, Signal signal) {
    if (!signal.exchange().equals(Exchange.BINANCE)) {
      signals.complete(signal.id(), SignalOutcome.REJECTED, "this runner trades on BINANCE only");
      return;
    }
    OpenResult result = keeper.open(SignalIntents.of(signal));
    switch (result) {
      case OpenResult.Opened opened ->
          signals.complete(signal.id(), SignalOutcome.OPENED, "opened");
      case OpenResult.Refused refused ->
          signals.complete(signal.id(), SignalOutcome.REJECTED, refused.reason());
      case OpenResult.Failed failed ->
          signals.complete(
              signal.id(), SignalOutcome.FAILED, failed.stage() + ": " + failed.reason());
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
