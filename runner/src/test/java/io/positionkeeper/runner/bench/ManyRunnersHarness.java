package io.positionkeeper.runner.bench;

import com.google.inject.Guice;
import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.domain.audit.AuditSpool;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.paper.PaperInstruments;
import io.positionkeeper.runner.wiring.KeeperModule;
import io.positionkeeper.runner.wiring.PaperExchangeModule;
import io.positionkeeper.runner.wiring.PostgresModule;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many accounts on one PostgreSQL, measured: {@code harness.runners} paper runners (default 20),
 * each with {@code harness.positions} positions (default 50) and its own pool of {@code
 * harness.pool} connections (default 4, the runner's default), all at once against one embedded
 * PostgreSQL with durable commits. Each runner opens its positions, then replays {@code
 * harness.minutes} minutes of a seeded random walk per symbol (trailing moves, stop-outs), as fast
 * as it goes. The runners share one JVM (one per account would be one process each; the database
 * sees the same connections) and each has a database of its own on the one server, because the
 * paper venue numbers its orders from the same start and the schema keeps entry orders unique per
 * exchange (one database per account stands in for the account key of the accounts issue).
 * Reported: wall time, audit events written and per second, peak client connections (sampled from
 * {@code pg_stat_activity}), peak threads waiting for a pooled connection.
 */
public final class ManyRunnersHarness {
  private static final TrailingParams TRAILING =
      new TrailingParams(new BigDecimal("1.0"), new BigDecimal("0.5"));

  private final int runners = Integer.getInteger("harness.runners", 20);
  private final int positions = Integer.getInteger("harness.positions", 50);
  private final int poolSize = Integer.getInteger("harness.pool", 4);
  private final int minutes = Integer.getInteger("harness.minutes", 240);
  private final StringBuilder report = new StringBuilder();

  public static void main(String[] args) throws Exception {
    ManyRunnersHarness h = new ManyRunnersHarness();
    h.run();
    Path out = Path.of(System.getProperty("harness.out", "target/many-runners.txt"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, h.report);
    System.exit(0);
  }

  private void run() throws Exception {
    line(
        "machine: %d cores, load average %.1f at start; %d runners x %d positions, pool %d each,"
            + " %d replayed minutes per symbol",
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        runners,
        positions,
        poolSize,
        minutes);
    Path dir = Files.createTempDirectory("pk-many");
    try (EmbeddedPostgres server =
        EmbeddedPostgres.builder()
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("max_connections", "300")
            .start()) {
      List<HikariDataSource> pools = new ArrayList<>();
      for (int r = 0; r < runners; r++) {
        try (Connection c = server.getPostgresDatabase().getConnection();
            Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE account_" + r);
        }
        HikariDataSource pool =
            PostgresPool.create(
                PostgresConfig.of(
                        "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/account_" + r,
                        "postgres",
                        "")
                    .withMaximumPoolSize(poolSize));
        Migrations.migrate(pool);
        pools.add(pool);
      }
      measure(server, pools, dir);
      pools.forEach(HikariDataSource::close);
    }
  }

  private void measure(EmbeddedPostgres server, List<HikariDataSource> pools, Path dir)
      throws Exception {
    AtomicInteger peakConnections = new AtomicInteger();
    AtomicInteger peakWaiting = new AtomicInteger();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    Connection watch = server.getPostgresDatabase().getConnection();
    sampler.scheduleAtFixedRate(
        () -> sample(watch, pools, peakConnections, peakWaiting), 0, 100, TimeUnit.MILLISECONDS);
    ExecutorService threads = Executors.newFixedThreadPool(runners);
    long t0 = System.nanoTime();
    List<Future<int[]>> results = new ArrayList<>();
    for (int r = 0; r < runners; r++) {
      int index = r;
      results.add(threads.submit(() -> runOne(index, pools.get(index), dir)));
    }
    int opened = 0;
    int closed = 0;
    for (Future<int[]> f : results) {
      int[] oc = f.get();
      opened += oc[0];
      closed += oc[1];
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    sampler.shutdown();
    sampler.awaitTermination(5, TimeUnit.SECONDS);
    long events = 0;
    for (HikariDataSource pool : pools) {
      events += count(pool, "SELECT count(*) FROM monitoring.events");
    }
    watch.close();
    threads.shutdown();
    line(
        "wall %.1f s; positions opened %d, closed %d; audit events written %d = %.0f events/s",
        wall, opened, closed, events, events / wall);
    line(
        "peak client connections on the server %d (runners x pool = %d, plus the sampler);"
            + " peak threads waiting for a pooled connection %d",
        peakConnections.get(), runners * poolSize, peakWaiting.get());
    line(
        "load average at the end %.1f",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static void sample(
      Connection watch,
      List<HikariDataSource> pools,
      AtomicInteger peakConnections,
      AtomicInteger peakWaiting) {
    try (Statement s = watch.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")) {
      r.next();
      peakConnections.accumulateAndGet(r.getInt(1), Math::max);
    } catch (Exception e) {
      throw new IllegalStateException("sampling pg_stat_activity failed", e);
    }
    int waiting = 0;
    for (HikariDataSource p : pools) {
      waiting += p.getHikariPoolMXBean().getThreadsAwaitingConnection();
    }
    peakWaiting.accumulateAndGet(waiting, Math::max);
  }

  /** One paper runner: opens its positions, replays the walk; answers {opened, closed}. */
  private int[] runOne(int index, HikariDataSource pool, Path dir) throws Exception {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    ManualClock clock = new ManualClock(start);
    FakeExchange venue = new FakeExchange(Exchange.PAPER, clock);
    Random random = new Random(1000L + index);
    List<Symbol> symbols = new ArrayList<>();
    List<BigDecimal> marks = new ArrayList<>();
    for (int i = 0; i < positions; i++) {
      Symbol symbol = Symbol.of(String.format("R%02dS%03dUSDT", index, i));
      BigDecimal mark = BigDecimal.valueOf(50 + random.nextInt(5000));
      venue.addInstrument(PaperInstruments.forMark(symbol, mark));
      venue.setMarkPrice(symbol, mark);
      symbols.add(symbol);
      marks.add(mark);
    }
    try (AuditSpool spool = AuditSpool.open(dir.resolve("runner-" + index + ".spool"))) {
      Keeper keeper =
          Guice.createInjector(
                  new PaperExchangeModule(venue, clock),
                  new PostgresModule(pool, spool),
                  new KeeperModule(KeeperPolicy.standard()))
              .getInstance(Keeper.class);
      keeper.start();
      int opened = 0;
      try {
        for (int i = 0; i < positions; i++) {
          OpenResult result = keeper.open(intent(symbols.get(i), index, i, random));
          if (result instanceof OpenResult.Opened) {
            opened++;
          }
        }
        for (int m = 1; m <= minutes; m++) {
          clock.advance(Duration.ofMinutes(1));
          for (int i = 0; i < positions; i++) {
            double step = 1 + (random.nextGaussian() * 0.004 + 0.0002);
            BigDecimal next =
                marks.get(i).multiply(BigDecimal.valueOf(step), MathContext.DECIMAL64);
            marks.set(i, next);
            venue.setMarkPrice(symbols.get(i), next);
          }
        }
      } finally {
        keeper.stop();
      }
      int closed =
          (int) count(pool, "SELECT count(*) FROM monitoring.positions WHERE status = 'CLOSED'");
      return new int[] {opened, closed};
    }
  }

  private static OpenIntent intent(Symbol symbol, int runner, int i, Random random) {
    String id = "many-" + runner + "-" + i;
    return new OpenIntent(
        Exchange.PAPER,
        symbol,
        random.nextBoolean() ? PositionSide.LONG : PositionSide.SHORT,
        new BigDecimal("200"),
        SizeUnit.QUOTE,
        new BigDecimal("1.5"),
        TRAILING,
        Optional.empty(),
        id);
  }

  private static long count(HikariDataSource pool, String sql) throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private void line(String format, Object... args) {
    String text = String.format(format, args);
    report.append(text).append('\n');
    System.err.println(text);
  }
}
