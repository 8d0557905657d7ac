package io.positionkeeper.domain.bench;

import io.positionkeeper.domain.audit.AuditSpool;
import io.positionkeeper.domain.audit.AuditWriterPolicy;
import io.positionkeeper.domain.audit.AuditWriterStats;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.fake.InMemoryDeadLetterStore;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.Symbol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What {@link BatchingAuditWriter#submit} costs the trading path, with the flusher thread running
 * on the real clock, side by side with a plain JDK queue handing records to a consumer thread:
 *
 * <ul>
 *   <li>{@code submit}: the journal answers at once (a counting journal, so the figure is ours, not
 *       a database's); records go to memory and the flusher drains them in batches;
 *   <li>{@code submitWhileJournalDown}: the journal fails, memory is full, every record is appended
 *       to the spool file (the degraded path: a write to the page cache, no fsync);
 *   <li>{@code baselineBlockingQueueOffer}: {@code LinkedBlockingQueue.offer} with a consumer
 *       thread taking batches, the cheapest hand-off the JDK offers without our ordering or spill
 *       (when the consumer falls behind it refuses the record: a drop, which the writer never
 *       does).
 * </ul>
 *
 * Those three run in a tight loop: producers outrunning the flusher, the worst case. The trading
 * path emits an event between pieces of real work, so {@code submitPaced} and {@code baselinePaced}
 * do {@link #PACE} tokens of CPU work ({@code paceOnly}) before each hand-off; their difference to
 * {@code paceOnly} is what one hand-off adds to the trading path.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AuditWriterBenchmark {
  /** Blackhole.consumeCPU tokens of stand-in trading work between two events (about 1 µs). */
  static final long PACE = 400;

  static AuditRecord[] records() {
    AuditRecord[] records = new AuditRecord[1024];
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < records.length; i++) {
      records[i] =
          new AuditRecord(
              "bench-" + i,
              t0.plusMillis(i),
              Exchange.BINANCE,
              Optional.of(Symbol.of("BTCUSDT")),
              OptionalLong.of(1 + i),
              "pko-abcdefghijklmnopqrst",
              "STOP_MOVED",
              Severity.INFO,
              Map.of(
                  "fromStop", "pks-abcdefghijklmnopqrst-1",
                  "toStop", "pks-abcdefghijklmnopqrst-2",
                  "fromTrigger", "62720",
                  "toTrigger", "63105.5"));
    }
    return records;
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The writer in front of a journal that answers at once. */
  @State(Scope.Thread)
  public static class Healthy {
    final AuditRecord[] records = records();
    final LongAdder written = new LongAdder();
    Path dir;
    BatchingAuditWriter writer;
    int next;

    @Setup(Level.Trial)
    public void start() throws IOException {
      dir = Files.createTempDirectory("audit-bench");
      AuditJournal journal = batch -> written.add(batch.size());
      writer =
          new BatchingAuditWriter(
              journal,
              new InMemoryDeadLetterStore(),
              AuditSpool.open(dir.resolve("spool.jsonl")),
              Clock.system(),
              AuditWriterPolicy.standard());
      writer.startFlusher();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      writer.close();
      AuditWriterStats stats = writer.stats();
      System.out.printf(
          "%nhealthy: submitted %d, written %d, spooled %d, pending %d%n",
          stats.submitted(), written.sum(), stats.spooled(), stats.pending());
      delete(dir);
    }
  }

  /** The writer while the journal is down: every record goes to the spool file. */
  @State(Scope.Thread)
  public static class JournalDown {
    final AuditRecord[] records = records();
    Path dir;
    BatchingAuditWriter writer;
    int next;

    @Setup(Level.Iteration)
    public void start() throws IOException {
      dir = Files.createTempDirectory("audit-bench-down");
      AuditJournal down =
          batch -> {
            throw new PersistenceException("journal down");
          };
      writer =
          new BatchingAuditWriter(
              down,
              new InMemoryDeadLetterStore(),
              AuditSpool.open(dir.resolve("spool.jsonl")),
              Clock.system(),
              new AuditWriterPolicy(
                  1,
                  200,
                  Duration.ofMillis(500),
                  new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30))));
      writer.startFlusher();
    }

    @TearDown(Level.Iteration)
    public void stop() throws IOException {
      writer.close(); // leaves everything in the spool; deleted with the directory
      delete(dir); // one iteration's spool at a time on the disk
    }
  }

  /** A JDK blocking queue drained in batches by a consumer thread. */
  @State(Scope.Thread)
  public static class Baseline {
    final AuditRecord[] records = records();
    final LinkedBlockingQueue<AuditRecord> queue = new LinkedBlockingQueue<>(10_000);
    final LongAdder taken = new LongAdder();
    final LongAdder refused = new LongAdder();
    Thread consumer;
    volatile boolean running = true;
    int next;

    @Setup(Level.Trial)
    public void start() {
      consumer =
          Thread.ofPlatform()
              .daemon(true)
              .start(
                  () -> {
                    List<AuditRecord> batch = new java.util.ArrayList<>(200);
                    while (running) {
                      try {
                        AuditRecord first = queue.poll(500, TimeUnit.MILLISECONDS);
                        if (first == null) {
                          continue;
                        }
                        batch.add(first);
                        queue.drainTo(batch, 199);
                        taken.add(batch.size());
                        batch.clear();
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      running = false;
      consumer.interrupt();
      consumer.join();
      System.out.printf(
          "%nbaseline: taken %d, refused (queue full) %d%n", taken.sum(), refused.sum());
    }
  }

  @Benchmark
  public void submit(Healthy s) {
    s.writer.submit(s.records[s.next++ & 1023]);
  }

  @Benchmark
  public void submitWhileJournalDown(JournalDown s) {
    s.writer.submit(s.records[s.next++ & 1023]);
  }

  @Benchmark
  public void paceOnly() {
    Blackhole.consumeCPU(PACE);
  }

  @Benchmark
  public void submitPaced(Healthy s) {
    Blackhole.consumeCPU(PACE);
    s.writer.submit(s.records[s.next++ & 1023]);
  }

  @Benchmark
  public void baselinePaced(Baseline s) {
    Blackhole.consumeCPU(PACE);
    if (!s.queue.offer(s.records[s.next++ & 1023])) {
      s.refused.increment();
    }
  }

  @Benchmark
  public void baselineBlockingQueueOffer(Baseline s) {
    if (!s.queue.offer(s.records[s.next++ & 1023])) {
      s.refused.increment();
    }
  }
}
