package io.positionkeeper.postgres.bench;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.EventIds;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.JooqPositionStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
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

/**
 * The cost of one position insert and its creation event in one transaction (durable commit), as
 * the domain pays it when a position opens. Every insert is a new symbol, so the one-open-position
 * index never refuses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class PositionInsertBenchmark {
  private BenchDatabase db;
  private JooqPositionStore store;
  private long next;

  @Setup(Level.Trial)
  public void startDatabase() throws IOException {
    db = new BenchDatabase();
    store = new JooqPositionStore(db.pool);
  }

  @TearDown(Level.Trial)
  public void stopDatabase() throws IOException {
    db.close();
  }

  @Benchmark
  public long insertWithEvent() {
    long n = next++;
    return store.insert(
        new NewPosition(
            Exchange.BYBIT,
            Symbol.of("S" + n + "USDT"),
            PositionSide.SHORT,
            new BigDecimal("1250"),
            new BigDecimal("0.4213"),
            ExchangeOrderId.of("c6f1a2b8-" + n),
            Optional.of(ClientOrderId.of("pk-" + n)),
            Optional.of("signal-" + n),
            Instant.now().truncatedTo(ChronoUnit.MICROS)),
        BotTrail.event(EventIds.next(), OptionalLong.empty(), "pk-" + n));
  }
}
