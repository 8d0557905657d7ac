package io.positionkeeper.runner.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.binance.BinanceGateway;
import io.positionkeeper.binance.BinanceStreams;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.domain.audit.AuditSpool;
import io.positionkeeper.domain.audit.AuditWriterPolicy;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.domain.keeper.StartReport;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.JooqAccountLease;
import io.positionkeeper.postgres.JooqAuditJournal;
import io.positionkeeper.postgres.JooqDeadLetterStore;
import io.positionkeeper.postgres.JooqPositionStore;
import io.positionkeeper.postgres.JooqTrailingStopStore;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import io.positionkeeper.runner.paper.PaperOptions;
import io.positionkeeper.runner.paper.PaperSession;
import io.positionkeeper.runner.paper.PaperSummary;
import io.positionkeeper.runner.paper.Progress;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The runner end to end, measured (profile {@code e2e-harness}): the real keeper with the Binance
 * adapter against the emulator over loopback (no added latency) and an embedded PostgreSQL.
 *
 * <ol>
 *   <li>Opens {@code harness.opens} positions (default 1,000, one symbol each), paced under the
 *       venue's order limits (1,200 orders a minute, two orders an open). Per open: the whole
 *       {@code keeper.open} call, the time spent inside the gateway's calls (the venue's part: HTTP
 *       to the emulator and its answer), and the keeper's own overhead, the difference.
 *   <li>Fill to book: the time the keeper's stream listener takes to apply each order, position and
 *       stop event (from the adapter's decoded event to the book updated).
 *   <li>Restart: a new keeper on the same database and venue; the time from {@code start()} to
 *       protected (positions loaded, trailing restored, streams resynced, reconciled).
 *   <li>Heap: used heap after GC with the restarted keeper holding every position, minus used heap
 *       after GC once it stopped (the emulator lives in the same JVM and is not counted).
 *   <li>Paper replay speed: the bundled paper session, simulated hours per wall second.
 * </ol>
 */
public final class E2eHarness {
  private static final TrailingParams TRAILING =
      new TrailingParams(new BigDecimal("1.5"), new BigDecimal("0.5"));

  private final int opens = Integer.getInteger("harness.opens", 1000);
  private final int warmup = Integer.getInteger("harness.warmup", 100);
  private final double opensPerSecond =
      Double.parseDouble(System.getProperty("harness.opensPerSecond", "6"));
  // Live mode binds the stores and the journal to the account's lease: every write is fenced.
  private final boolean fenced = Boolean.getBoolean("harness.lease");
  // Only the opens (for side-by-side runs of two builds): no restart, heap or paper figures.
  private final boolean opensOnly = Boolean.getBoolean("harness.opensOnly");
  private final Path dir;
  private final StringBuilder report = new StringBuilder();

  private E2eHarness(Path dir) {
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("pk-harness");
    E2eHarness harness = new E2eHarness(dir);
    harness.run();
    Path out = Path.of(System.getProperty("harness.out", "target/e2e-harness.txt"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, harness.report);
    System.out.println(harness.report);
    System.exit(0); // the emulator's and the streams' daemon threads need no orderly end here
  }

  private void run() throws Exception {
    line(
        "machine: %d cores, load average %.1f at start, JVM %s, heap max %d MB; stores %s",
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.version(),
        Runtime.getRuntime().maxMemory() >> 20,
        fenced ? "fenced by an account lease (live mode)" : "unfenced (paper mode)");
    try (BinanceEmulator venue = BinanceEmulator.start();
        EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("pg"), true);
        HikariDataSource pool =
            PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"))) {
      Migrations.migrate(pool);
      // The real venue allows 200 open conditional orders per account; the harness measures the
      // keeper with one stop for each of its 1,000 or more positions, not that limit.
      venue.allowOpenAlgoOrders(Math.max(200, 2 * opens));
      List<Symbol> symbols = instruments(venue);
      openPositions(venue, pool, symbols);
      if (opensOnly) {
        return;
      }
      restart(venue, pool);
    }
    paperSpeed();
    line(
        "load average at the end %.1f",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private List<Symbol> instruments(BinanceEmulator venue) {
    List<Symbol> symbols = new ArrayList<>();
    for (int i = 0; i < warmup + opens; i++) {
      String name = String.format("S%04dUSDT", i);
      venue.addInstrument(name, "0.01", "0.001", "0.001", "100000", "5");
      venue.setMarkPrice(name, new BigDecimal(100 + i % 50));
      symbols.add(Symbol.of(name));
    }
    return symbols;
  }

  /** One keeper as the runner assembles it, on a gateway whose calls are timed. */
  private final class Running implements AutoCloseable {
    final AtomicLong venueNanos = new AtomicLong();
    final AtomicLong storeNanos = new AtomicLong();
    final Map<String, Samples> storeCalls = new ConcurrentHashMap<>();
    volatile boolean measuring;
    final Samples applied = new Samples();
    final BinanceGateway gateway;
    final BinanceStreams streams;
    final AuditSpool spool;
    final ExecutorService io = Executors.newSingleThreadExecutor();
    final Keeper keeper;

    final Optional<Lease> lease;
    final JooqAccountLease leases;

    Running(BinanceEmulator venue, HikariDataSource pool, String spoolName) throws IOException {
      Clock clock = Clock.system();
      leases = new JooqAccountLease(pool);
      lease =
          fenced
              ? Optional.of(leases.acquire(AccountId.DEFAULT, spoolName, Duration.ofHours(1)))
              : Optional.empty();
      gateway =
          BinanceGateway.open(
              venue.config(), venue.credentials(), clock, TradingSettings.defaults());
      streams = new BinanceStreams(gateway);
      spool = AuditSpool.open(dir.resolve(spoolName));
      BatchingAuditWriter writer =
          new BatchingAuditWriter(
              lease
                  .map(l -> new JooqAuditJournal(pool, l))
                  .orElseGet(() -> new JooqAuditJournal(pool)),
              lease
                  .map(l -> new JooqDeadLetterStore(pool, l))
                  .orElseGet(() -> new JooqDeadLetterStore(pool)),
              spool,
              clock,
              AuditWriterPolicy.standard());
      PositionStore positions =
          lease
              .map(l -> new JooqPositionStore(pool, l))
              .orElseGet(() -> new JooqPositionStore(pool));
      TrailingStopStore trailing =
          lease
              .map(l -> new JooqTrailingStopStore(pool, l))
              .orElseGet(() -> new JooqTrailingStopStore(pool));
      // As the runner does: the stored positions' marks are watched before the streams start.
      streams.watchMarkPrices(
          positions.loadOpen().stream()
              .map(PositionRecord::symbol)
              .collect(Collectors.toUnmodifiableSet()));
      keeper =
          Keeper.builder(
                  clock,
                  timed(PositionStore.class, positions, storeNanos),
                  timed(TrailingStopStore.class, trailing, storeNanos))
              .venue(
                  timed(ExchangeGateway.class, gateway, venueNanos),
                  new TimedStreams(streams, applied))
              .policy(KeeperPolicy.standard())
              .audit(writer)
              .io(io)
              .build();
    }

    /** {@code target} with the time spent in its calls added to {@code nanos}. */
    private <T> T timed(Class<T> port, T target, AtomicLong nanos) {
      return port.cast(
          Proxy.newProxyInstance(
              port.getClassLoader(),
              new Class<?>[] {port},
              (proxy, method, args) -> {
                long t0 = System.nanoTime();
                try {
                  return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                } finally {
                  long t = System.nanoTime() - t0;
                  nanos.addAndGet(t);
                  if (measuring && nanos == storeNanos) {
                    storeCalls
                        .computeIfAbsent(
                            port.getSimpleName() + "." + method.getName(), k -> new Samples())
                        .add(t);
                  }
                }
              }));
    }

    @Override
    public void close() throws IOException {
      keeper.stop();
      streams.close();
      gateway.close();
      spool.close();
      io.shutdown();
      lease.ifPresent(leases::release);
    }
  }

  private void openPositions(BinanceEmulator venue, HikariDataSource pool, List<Symbol> symbols)
      throws Exception {
    Samples total = new Samples();
    Samples inVenue = new Samples();
    Samples inStores = new Samples();
    Samples own = new Samples();
    Samples domain = new Samples();
    String run = Long.toString(System.currentTimeMillis(), 36);
    try (Running r = new Running(venue, pool, "open.spool")) {
      r.keeper.start();
      long every = (long) (1_000_000_000L / opensPerSecond);
      long next = System.nanoTime();
      for (int i = 0; i < symbols.size(); i++) {
        LockSupport.parkNanos(next - System.nanoTime());
        next += every;
        r.venueNanos.set(0);
        r.storeNanos.set(0);
        r.measuring = i >= warmup;
        long t0 = System.nanoTime();
        OpenResult result = r.keeper.open(intent(symbols.get(i), run + "-" + i));
        long t = System.nanoTime() - t0;
        long v = r.venueNanos.get();
        long st = r.storeNanos.get();
        if (!(result instanceof OpenResult.Opened)) {
          throw new IllegalStateException("open " + i + " did not open: " + result);
        }
        if (i >= warmup) {
          total.add(t);
          inVenue.add(v);
          inStores.add(st);
          own.add(t - v);
          domain.add(t - v - st);
        }
      }
      line(
          "opens: %d measured after %d warm-up opens, at %.0f/s (paced under the venue's order"
              + " limits)",
          opens, warmup, opensPerSecond);
      line("  keeper.open total            %s", total.summary());
      line("  inside the gateway (venue)   %s", inVenue.summary());
      line("  inside the stores (database) %s", inStores.summary());
      line(
          "  own overhead (total - venue) %s   (targets p50 <= 5 ms, p99 <= 20 ms)", own.summary());
      line("  of which domain only         %s", domain.summary());
      line("  store calls of the measured opens, each call (the keeper's own threads included):");
      new TreeMap<>(r.storeCalls)
          .forEach((call, samples) -> line("    %-40s %s", call, samples.summary()));
      line(
          "fill to book (listener applies an order/position/stop event) %s   (target p99 <= 1 ms)",
          r.applied.summary());
    }
    long stops = symbols.stream().mapToLong(s -> venue.openAlgoCount(s.value())).sum();
    line("venue after the opens: %d working stops for %d positions", stops, symbols.size());
  }

  private void restart(BinanceEmulator venue, HikariDataSource pool) throws Exception {
    // The opens used most of this minute's request weight (2,400 a minute, counted per IP): the
    // restart starts in a fresh window, as it would after a real restart's downtime.
    Thread.sleep(60_000 - System.currentTimeMillis() % 60_000 + 1_000);
    long weight = venue.requestWeight();
    long before = usedHeapAfterGc();
    long withPositions;
    int held;
    try (Running r = new Running(venue, pool, "restart.spool")) {
      long t0 = System.nanoTime();
      StartReport report = r.keeper.start();
      long t = System.nanoTime() - t0;
      line(
          "restart: start to protected for %d restored positions: %d ms (target <= 2 s); %s",
          report.positionsLoaded(), t / 1_000_000, report);
      line("  request weight of the start: %d", venue.requestWeight() - weight);
      withPositions = usedHeapAfterGc();
      held = r.keeper.positions().size();
      line(
          "  keeper positions in memory: %d; used heap after GC %d MB (whole JVM, emulator included)",
          r.keeper.positions().size(), withPositions >> 20);
    }
    long after = usedHeapAfterGc();
    line(
        "heap held by the runner's keeper with %d positions: %.1f MB (used after GC while running"
            + " minus after it stopped; %d MB before it started) (target <= 256 MB)",
        held, (withPositions - after) / 1048576.0, before >> 20);
  }

  private void paperSpeed() throws Exception {
    PaperOptions options =
        new PaperOptions(dir.resolve("paper"), true, Optional.empty(), Optional.empty());
    PaperSummary s = new PaperSession(options, Progress.forOutput(System.err, false)).run();
    line(
        "paper replay (bundled session): %.1f simulated hours in %.2f s = %.1f simulated hours/s",
        s.simulated().toSeconds() / 3600.0,
        s.wall().toMillis() / 1000.0,
        s.simulated().toSeconds() / 3600.0 / Math.max(0.001, s.wall().toMillis() / 1000.0));
  }

  private static OpenIntent intent(Symbol symbol, String id) {
    return new OpenIntent(
        Exchange.BINANCE,
        symbol,
        PositionSide.LONG,
        new BigDecimal("50"),
        SizeUnit.QUOTE,
        new BigDecimal("2"),
        TRAILING,
        Optional.empty(),
        "bench-" + id);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private void line(String format, Object... args) {
    String text = String.format(format, args);
    report.append(text).append('\n');
    System.err.println(text);
  }
}
