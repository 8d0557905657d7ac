package io.positionkeeper.postgres.bench;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.EventIds;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.JooqAuditJournal;
import io.positionkeeper.postgres.JooqPositionStore;
import io.positionkeeper.postgres.JournalWriteMethod;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audit journal's flush on a real (embedded) PostgreSQL 17 with durable commits: one {@code
 * append} of a batch per operation. Sample-time mode gives the flush latency (p50, p99); events/s
 * is the batch size over the mean flush time, times the number of writers. The two write methods,
 * one writer and two writers sharing the journal, run side by side in one run.
 *
 * <p>The events are shaped like a bot's: time-ordered ids ({@link EventIds}; {@code -p
 * ids=RANDOM_V4} for random ones, to compare), half about one of 8 stored positions (a foreign-key
 * check each), half about one of 8 pending ones; each position's events share its correlation key
 * (its entry order id).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class AuditJournalBenchmark {
  private static final int POSITIONS = 8;

  @Param({"COPY", "BATCH"})
  public JournalWriteMethod method;

  @Param({"100", "1000"})
  public int batchSize;

  /** How the events' ids are made. */
  public enum Ids {
    /** As the domain makes them ({@link EventIds}): time-ordered. */
    UUID_V7,
    /** Random ({@link UUID#randomUUID()}), as the domain made them before: for comparison. */
    RANDOM_V4
  }

  @Param({"UUID_V7"})
  public Ids ids;

  /** Connections one append may write a large batch on at once (1: one transaction, as before). */
  @Param({"1", "2"})
  public int connections;

  private BenchDatabase db;
  private JooqAuditJournal journal;
  private long[] positionIds;
  private String[] storedKeys;
  private String[] pendingKeys;

  @Setup(Level.Trial)
  public void startDatabase() throws IOException {
    db = new BenchDatabase();
    journal = new JooqAuditJournal(db.pool, method, connections);
    JooqPositionStore positions = new JooqPositionStore(db.pool);
    positionIds = new long[POSITIONS];
    storedKeys = new String[POSITIONS];
    pendingKeys = new String[POSITIONS];
    for (int i = 0; i < POSITIONS; i++) {
      storedKeys[i] = entryOrderId();
      pendingKeys[i] = entryOrderId();
      positionIds[i] =
          positions.insert(
              new NewPosition(
                  Exchange.BINANCE,
                  Symbol.of("SYM" + i + "USDT"),
                  PositionSide.LONG,
                  new BigDecimal("0.015"),
                  new BigDecimal("67234.10"),
                  ExchangeOrderId.of(8389765123456789012L + i),
                  Optional.of(ClientOrderId.of(storedKeys[i])),
                  Optional.empty(),
                  Instant.now().truncatedTo(ChronoUnit.MICROS)),
              event(OptionalLong.empty(), storedKeys[i]));
    }
  }

  /** Each writer's next batch: new events (new ids), made outside the measured time. */
  @State(Scope.Thread)
  public static class Batch {
    List<AuditRecord> records;

    @Setup(Level.Invocation)
    public void next(AuditJournalBenchmark bench) {
      records = new ArrayList<>(bench.batchSize);
      for (int i = 0; i < bench.batchSize; i++) {
        int position = (i / 2) % POSITIONS;
        records.add(
            i % 2 == 0
                ? event(
                    bench.nextId(),
                    OptionalLong.of(bench.positionIds[position]),
                    bench.storedKeys[position])
                : event(bench.nextId(), OptionalLong.empty(), bench.pendingKeys[position]));
      }
    }
  }

  @TearDown(Level.Trial)
  public void stopDatabase() throws IOException {
    db.close();
  }

  /** One writer (one flusher thread, as in {@code BatchingAuditWriter}). */
  @Benchmark
  @Threads(1)
  public void append(Batch batch) {
    journal.append(batch.records);
  }

  /** Two writers flushing at once through the same journal (two connections). */
  @Benchmark
  @Threads(2)
  public void appendTwoWriters(Batch batch) {
    journal.append(batch.records);
  }

  /** An entry order id as the domain makes them: {@code pko-} and 20 base32 characters. */
  private static String entryOrderId() {
    String base32 = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder id = new StringBuilder("pko-");
    for (int i = 0; i < 20; i++) {
      id.append(base32.charAt(ThreadLocalRandom.current().nextInt(base32.length())));
    }
    return id.toString();
  }

  private String nextId() {
    return switch (ids) {
      case UUID_V7 -> EventIds.next();
      case RANDOM_V4 -> UUID.randomUUID().toString();
    };
  }

  static AuditRecord event(OptionalLong positionId, String correlationKey) {
    return event(EventIds.next(), positionId, correlationKey);
  }

  private static AuditRecord event(String eventId, OptionalLong positionId, String correlationKey) {
    Map<String, String> payload = new LinkedHashMap<>();
    payload.put("markPrice", "67301.25");
    payload.put("peak", "67420.10");
    payload.put("stop", "67083.00");
    payload.put("reason", "peak moved by 0.12 %");
    return new AuditRecord(
        eventId,
        Instant.now().truncatedTo(ChronoUnit.MICROS),
        Exchange.BINANCE,
        Optional.of(Symbol.of("BTCUSDT")),
        positionId,
        correlationKey,
        "TRAILING_STOP_MOVED",
        Severity.INFO,
        payload);
  }
}
