package io.positionkeeper.runner.paper;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.domain.audit.AuditSpool;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.observe.KeeperObserver;
import io.positionkeeper.runner.ops.Observability;
import io.positionkeeper.runner.ops.OpsSettings;
import io.positionkeeper.runner.wiring.KeeperModule;
import io.positionkeeper.runner.wiring.PaperExchangeModule;
import io.positionkeeper.runner.wiring.PostgresModule;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One paper session: the embedded PostgreSQL, migrated; the in-memory exchange on a replay clock;
 * the real keeper between them. Marks are replayed in time order, each signal is opened when the
 * replay reaches its time, and the summary is read back from the database.
 */
public final class PaperSession {
  private static final Logger log = LoggerFactory.getLogger(PaperSession.class);
  private static final String BUNDLED_MARKS = "/paper/marks.csv";
  private static final String BUNDLED_SIGNALS = "/paper/signals.jsonl";

  private final PaperOptions options;
  private final Progress progress;
  private static final Duration FIRST_MARK_TIMEOUT = Duration.ofSeconds(30);
  // The in-memory venue's own first order id: a history's ids below it are left behind.
  private static final long FIRST_ORDER_ID = 1_000_000_000_000_000L;
  private volatile MarkFeed feed;
  private volatile boolean stopRequested;
  private final OpsSettings ops;
  private final List<KeeperObserver> observers;
  private volatile Optional<Integer> metricsPort = Optional.empty();

  public PaperSession(PaperOptions options, Progress progress) {
    this(options, progress, Optional.empty(), List.of());
  }

  /** A session serving {@code /metrics} and {@code /health} and telling {@code observers}. */
  public PaperSession(
      PaperOptions options,
      Progress progress,
      Optional<Observability.Endpoint> metrics,
      List<KeeperObserver> observers) {
    this(
        options,
        progress,
        metrics.map(e -> OpsSettings.none().withEndpoint(e)).orElse(OpsSettings.none()),
        observers);
  }

  /** A session with the endpoint and alerts of {@code ops}, telling {@code observers} too. */
  public PaperSession(
      PaperOptions options, Progress progress, OpsSettings ops, List<KeeperObserver> observers) {
    this.options = Objects.requireNonNull(options, "options");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.ops = Objects.requireNonNull(ops, "ops");
    this.observers = List.copyOf(observers);
  }

  /** The port of {@code /metrics} while the replay runs, when one was asked for. */
  public Optional<Integer> metricsPort() {
    return metricsPort;
  }

  /** Ends a session on live marks early (Ctrl-C); a replay ends at its last mark anyway. */
  public void stop() {
    stopRequested = true;
    MarkFeed f = feed;
    if (f != null) {
      f.stop();
    }
  }

  public PaperSummary run() throws IOException, SQLException, InterruptedException {
    String prefix = "p" + Long.toString(System.currentTimeMillis(), 36) + "-";
    List<TimedIntent> intents =
        SignalFile.read(
            open(options.signals(), BUNDLED_SIGNALS),
            name(options.signals(), BUNDLED_SIGNALS),
            Exchange.PAPER,
            prefix);
    Files.createDirectories(options.home());
    try (MarkFeed marks = feed(intents);
        EmbeddedDatabase db = EmbeddedDatabase.start(options.databaseDirectory(), options.fresh());
        HikariDataSource pool =
            PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"));
        AuditSpool spool = AuditSpool.open(options.spoolFile())) {
      Migrations.migrate(pool);
      long[] before = PaperSummary.marks(pool);
      PaperHistory history = PaperHistory.read(pool);
      List<MarkTick> first = marks.firstMarks();
      long startedNanos = System.nanoTime();
      List<MarkTick> replayed = new ArrayList<>();
      Instant[] span = replay(marks, first, intents, pool, spool, history, replayed);
      Duration wall = Duration.ofNanos(System.nanoTime() - startedNanos);
      PaperReport.write(pool, before[0], replayed, options.reportFile());
      return PaperSummary.read(
              pool,
              before[0],
              before[1],
              db.jdbcUrl() + " (data in " + db.dataDirectory().toAbsolutePath() + ")",
              options.logFile().toAbsolutePath())
          .withSpeed(Duration.between(span[0], span[1]), wall);
    }
  }

  private MarkFeed feed(List<TimedIntent> intents) throws IOException {
    MarkFeed f;
    if (options.liveMarks().isPresent()) {
      Set<Symbol> symbols = new TreeSet<>(Comparator.comparing(Symbol::value));
      intents.forEach(i -> symbols.add(i.intent().symbol()));
      if (symbols.isEmpty()) {
        throw new IllegalArgumentException("live marks: the signals name no symbol to watch");
      }
      f =
          new LiveMarkFeed(
              options.liveMarks().get(), symbols, options.liveDuration(), FIRST_MARK_TIMEOUT);
    } else {
      f =
          new ReplayFeed(
              MarkSeries.read(
                  open(options.marks(), BUNDLED_MARKS), name(options.marks(), BUNDLED_MARKS)));
    }
    feed = f;
    if (stopRequested) {
      f.stop();
    }
    return f;
  }

  /**
   * Replays the feed through the keeper, adding each mark as replayed to {@code replayed} (the
   * report draws them); answers the first and last mark's times.
   */
  private Instant[] replay(
      MarkFeed marks,
      List<MarkTick> first,
      List<TimedIntent> intents,
      HikariDataSource pool,
      AuditSpool spool,
      PaperHistory history,
      List<MarkTick> replayed)
      throws IOException, InterruptedException {
    Duration shift = history.shiftFor(first.get(0).at());
    if (!shift.isZero()) {
      log.info(
          "the paper database holds times up to {}: replaying {} later", history.lastTime(), shift);
    }
    ManualClock clock = new ManualClock(first.get(0).at().plus(shift));
    FakeExchange venue = new FakeExchange(Exchange.PAPER, clock);
    if (history.lastOrderId() > 0) {
      venue.orderIdsFrom(Math.max(history.lastOrderId() + 1, FIRST_ORDER_ID));
    }
    first.forEach(
        t -> {
          venue.addInstrument(PaperInstruments.forMark(t.symbol(), t.mark()));
          venue.setMarkPrice(t.symbol(), t.mark());
        });
    Observability observability = new Observability(ops, clock, List.of(Exchange.PAPER), observers);
    Injector injector =
        Guice.createInjector(
            new PaperExchangeModule(venue, clock),
            observability.postgres(new PostgresModule(pool, spool)),
            new KeeperModule(KeeperPolicy.standard(), observability.observer()));
    Keeper keeper = injector.getInstance(Keeper.class);
    keeper.start();
    Deque<TimedIntent> pending = new ArrayDeque<>(retimed(intents, first.get(0).at(), shift));
    Instant last = first.get(0).at().plus(shift);
    try {
      // Paper mode has no account lease: the lease check of /health holds.
      metricsPort =
          observability.keeperStarted(
              keeper, injector.getInstance(BatchingAuditWriter.class), pool, () -> true);
      for (Optional<MarkTick> next = marks.next(); next.isPresent(); next = marks.next()) {
        MarkTick tick = shifted(next.get(), shift);
        replayed.add(tick);
        while (!pending.isEmpty() && !pending.peekFirst().at().isAfter(tick.at())) {
          openNow(keeper, pending.pollFirst());
        }
        Duration step = Duration.between(clock.now(), tick.at());
        if (!step.isNegative()) {
          clock.advance(step);
        }
        venue.setMarkPrice(tick.symbol(), tick.mark());
        last = tick.at();
        progress.update(
            marks.done(), marks.total(), tick.at() + " open " + keeper.positions().size());
      }
    } finally {
      progress.finish();
      keeper.stop();
      observability.close();
    }
    pending.forEach(p -> log.warn("signal at {} is after the last mark; not opened", p.at()));
    return new Instant[] {first.get(0).at().plus(shift), last};
  }

  private static MarkTick shifted(MarkTick t, Duration shift) {
    return shift.isZero() ? t : new MarkTick(t.at().plus(shift), t.symbol(), t.mark());
  }

  /**
   * On live marks the signals' own times lie in the past: they keep their spacing, and the first
   * arrives with the first live mark. A replay keeps them as written, moved as the marks are when
   * the database already holds later times.
   */
  private List<TimedIntent> retimed(List<TimedIntent> intents, Instant firstMark, Duration shift) {
    if (intents.isEmpty()) {
      return intents;
    }
    Duration by =
        options.liveMarks().isEmpty()
            ? shift
            : Duration.between(intents.get(0).at(), firstMark.plus(shift));
    return intents.stream().map(i -> new TimedIntent(i.at().plus(by), i.intent())).toList();
  }

  private static void openNow(Keeper keeper, TimedIntent timed) {
    OpenResult result = keeper.open(timed.intent());
    switch (result) {
      case OpenResult.Opened opened -> log.info("opened {}: {}", timed.intent().key(), opened);
      case OpenResult.Refused refused ->
          log.warn("signal {} refused: {}", timed.intent().intentId(), refused.reason());
      case OpenResult.Failed failed ->
          log.error("signal {} failed: {}", timed.intent().intentId(), failed);
    }
  }

  private static Reader open(Optional<Path> file, String bundled) throws IOException {
    if (file.isPresent()) {
      return Files.newBufferedReader(file.get(), StandardCharsets.UTF_8);
    }
    return new InputStreamReader(
        Objects.requireNonNull(
            PaperSession.class.getResourceAsStream(bundled), "bundled " + bundled + " missing"),
        StandardCharsets.UTF_8);
  }

  private static String name(Optional<Path> file, String bundled) {
    return file.map(Path::toString).orElse("bundled " + bundled);
  }
}
