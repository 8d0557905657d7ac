package io.positionkeeper.runner.bench;

import io.positionkeeper.domain.audit.AuditSpool;
import io.positionkeeper.domain.audit.AuditWriterPolicy;
import io.positionkeeper.domain.audit.AuditWriterStats;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.EventIds;
import io.positionkeeper.postgres.JooqAuditJournal;
import io.positionkeeper.postgres.JooqDeadLetterStore;
import io.positionkeeper.postgres.JournalWriteMethod;
import io.positionkeeper.postgres.bench.BenchDatabase;
import io.positionkeeper.postgres.bench.BotTrail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audit trail end to end, as a bot runs it: one thread submits events to the domain's {@link
 * BatchingAuditWriter} at an offered rate, and the writer's flusher writes them through {@link
 * JooqAuditJournal} into an embedded PostgreSQL 17 with durable commits ({@link BenchDatabase}),
 * events shaped like a bot's ({@link BotTrail}). One operation is {@value #EVENTS} events, from the
 * first submit until the last is committed. At a rate the trail sustains, the operation lasts the
 * offered time ({@value #EVENTS} / rate) plus one flush, and no record has to wait in the spool
 * file; at a rate it does not, the backlog goes to the spool (as it would in a bot) and the
 * operation lasts as long as the trail needs. Every iteration checks that each event is in the
 * database exactly once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class AuditTrailThroughputBenchmark {
  static final int EVENTS = 200_000;

  /** Events the producer submits at once, then it waits until the rate allows the next ones. */
  private static final int BURST = 500;

  /** Events per second the producer offers. */
  @Param({"100000"})
  public int rate;

  /** The writer's batch size ({@link AuditWriterPolicy#batchSize()}). */
  @Param({"200", "5000"})
  public int batchSize;

  /** Records the writer keeps in memory before it goes to the spool file. */
  @Param({"10000", "100000"})
  public int memory;

  /** The journal's connections per batch. */
  @Param({"1", "2"})
  public int connections;

  private BenchDatabase db;
  private JooqAuditJournal journal;
  private JooqDeadLetterStore deadLetters;
  private BotTrail trail;

  private Path dir;
  private BatchingAuditWriter writer;
  private List<AuditRecord> records;
  private long storedBefore;

  @Setup(Level.Trial)
  public void startDatabase() throws IOException {
    db = new BenchDatabase();
    journal = new JooqAuditJournal(db.pool, JournalWriteMethod.COPY, connections);
    deadLetters = new JooqDeadLetterStore(db.pool);
    trail = new BotTrail(db.pool);
  }

  /** A new writer with an empty spool, and the events, made before the clock starts. */
  @Setup(Level.Iteration)
  public void startWriter() throws IOException {
    records = new ArrayList<>(EVENTS);
    for (int i = 0; i < EVENTS; i++) {
      records.add(trail.event(i, EventIds::next));
    }
    dir = Files.createTempDirectory("audit-trail-bench");
    writer =
        new BatchingAuditWriter(
            journal,
            deadLetters,
            AuditSpool.open(dir.resolve("spool.jsonl")),
            Clock.system(),
            new AuditWriterPolicy(
                memory,
                batchSize,
                Duration.ofMillis(500),
                new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30))));
    writer.startFlusher();
    storedBefore = storedEvents();
  }

  @Benchmark
  public long submitAndWriteAll() {
    long start = System.nanoTime();
    for (int i = 0; i < EVENTS; i++) {
      if (i % BURST == 0) {
        long due = start + i * 1_000_000_000L / rate;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
      }
      writer.submit(records.get(i));
    }
    while (writer.stats().pending() > 0) {
      writer.flush();
    }
    return writer.stats().written();
  }

  @TearDown(Level.Iteration)
  public void checkAndStopWriter() throws IOException {
    writer.close();
    AuditWriterStats stats = writer.stats();
    long stored = storedEvents() - storedBefore;
    System.out.printf(
        "%nrate %d/s, memory %d, batch %d, connections %d: stored %d, through the spool %d,"
            + " journal failures %d%n",
        rate, memory, batchSize, connections, stored, stats.spooled(), stats.journalFailures());
    if (stored != EVENTS || stats.deadLettered() != 0) {
      throw new IllegalStateException(
          "the trail lost or refused events: " + stored + " of " + EVENTS + " stored, " + stats);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @TearDown(Level.Trial)
  public void stopDatabase() throws IOException {
    db.close();
  }

  private long storedEvents() {
    try (Connection c = db.pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM monitoring.events")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("counting the stored events failed", e);
    }
  }
}
