package io.positionkeeper.postgres.bench;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audit journal's flush on a real (embedded) PostgreSQL 17 with durable commits: one {@code
 * append} of a batch per operation. Sample-time mode gives the flush latency (p50, p99); events/s
 * is the batch size over the mean flush time. The two write methods run side by side in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class AuditJournalBenchmark {

  @Param({"COPY", "BATCH"})
  public JournalWriteMethod method;

  @Param({"100", "1000"})
  public int batchSize;

  private BenchDatabase db;
  private JooqAuditJournal journal;
  private long[] positionIds;
  private List<AuditRecord> batch;

  @Setup(Level.Trial)
  public void startDatabase() throws IOException {
    db = new BenchDatabase();
    journal = new JooqAuditJournal(db.pool, method);
    JooqPositionStore positions = new JooqPositionStore(db.pool);
    positionIds = new long[8];
    for (int i = 0; i < positionIds.length; i++) {
      positionIds[i] =
          positions.insert(
              new NewPosition(
                  Exchange.BINANCE,
                  Symbol.of("SYM" + i + "USDT"),
                  PositionSide.LONG,
                  new BigDecimal("0.015"),
                  new BigDecimal("67234.10"),
                  ExchangeOrderId.of(8389765123456789012L + i),
                  Optional.of(ClientOrderId.of("pk-open-" + i)),
                  Optional.empty(),
                  Instant.now().truncatedTo(ChronoUnit.MICROS)),
              event(OptionalLong.empty()));
    }
  }

  /** A fresh batch per flush (new event ids), made outside the measured time. */
  @Setup(Level.Invocation)
  public void nextBatch() {
    batch = new ArrayList<>(batchSize);
    for (int i = 0; i < batchSize; i++) {
      // Half the events are about a stored position (a foreign-key check each), half about a
      // pending one (correlation key only), as in a bot's real trail.
      batch.add(
          event(
              i % 2 == 0
                  ? OptionalLong.of(positionIds[i % positionIds.length])
                  : OptionalLong.empty()));
    }
  }

  @TearDown(Level.Trial)
  public void stopDatabase() throws IOException {
    db.close();
  }

  @Benchmark
  public void append() {
    journal.append(batch);
  }

  static AuditRecord event(OptionalLong positionId) {
    Map<String, String> payload = new LinkedHashMap<>();
    payload.put("markPrice", "67301.25");
    payload.put("peak", "67420.10");
    payload.put("stop", "67083.00");
    payload.put("reason", "peak moved by 0.12 %");
    return new AuditRecord(
        UUID.randomUUID().toString(),
        Instant.now().truncatedTo(ChronoUnit.MICROS),
        Exchange.BINANCE,
        Optional.of(Symbol.of("BTCUSDT")),
        positionId,
        "pk-open-btcusdt-1732150000",
        "TRAILING_STOP_MOVED",
        Severity.INFO,
        payload);
  }
}
