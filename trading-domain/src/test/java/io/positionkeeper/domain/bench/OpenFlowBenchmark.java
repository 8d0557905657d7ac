package io.positionkeeper.domain.bench;

import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.fake.InMemoryTrailingStopStore;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.Optional;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Our own CPU cost of opening a protected position: the whole flow (validate, pre-register, order,
 * verify, persist, stop-loss, trailing start, every audit event) on the fakes, with no I/O. Each
 * operation opens a position and closes it again, so the figure bounds the cost of an open from
 * above. Audit records are counted and dropped so the trail does not grow through the run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class OpenFlowBenchmark {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final PositionKey KEY = new PositionKey(Exchange.BINANCE, BTC);

  private Keeper keeper;
  private long sequence;
  private long audited;

  @Setup(Level.Iteration)
  public void freshVenue() {
    ManualClock clock = ManualClock.atDefaultStart();
    FakeExchange exchange = new FakeExchange(Exchange.BINANCE, clock);
    exchange.addInstrument(
        new InstrumentRules(
            BTC,
            new BigDecimal("0.10"),
            new BigDecimal("0.001"),
            new BigDecimal("0.001"),
            new BigDecimal("120"),
            new BigDecimal("100")));
    exchange.setMarkPrice(BTC, new BigDecimal("64000"));
    keeper =
        Keeper.builder(
                clock,
                new InMemoryPositionStore(new InMemoryAuditJournal()),
                new InMemoryTrailingStopStore())
            .venue(exchange, exchange)
            .audit(r -> audited++)
            .io(Runnable::run)
            .build();
    keeper.start();
  }

  @Benchmark
  public Object openAndClose() {
    OpenResult result =
        keeper.open(
            new OpenIntent(
                Exchange.BINANCE,
                BTC,
                PositionSide.LONG,
                new BigDecimal("1000"),
                SizeUnit.QUOTE,
                new BigDecimal("2"),
                new TrailingParams(new BigDecimal("1.5"), new BigDecimal("0.5")),
                Optional.empty(),
                "bench-" + sequence++));
    if (!(result instanceof OpenResult.Opened)) {
      throw new IllegalStateException("benchmark open failed: " + result);
    }
    return keeper.close(KEY);
  }
}
