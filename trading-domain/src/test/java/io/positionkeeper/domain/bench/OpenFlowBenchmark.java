package io.positionkeeper.domain.bench;

import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenPolicy;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.open.PositionOpener;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionCloser;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.position.PositionTracker;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.domain.trailing.TrailingPolicy;
import io.positionkeeper.domain.trailing.TrailingStopManager;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.fake.InMemoryTrailingStopStore;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
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

  private PositionOpener opener;
  private PositionCloser closer;
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
    InMemoryPositionStore store = new InMemoryPositionStore(new InMemoryAuditJournal());
    AuditTrail audit = new AuditTrail(clock, r -> audited++);
    PositionBook book = new PositionBook(clock);
    TrailingStopManager trailing =
        new TrailingStopManager(
            Exchange.BINANCE,
            exchange,
            store,
            new InMemoryTrailingStopStore(),
            audit,
            clock,
            TrailingPolicy.standard(),
            Runnable::run);
    closer =
        new PositionCloser(
            Map.of(Exchange.BINANCE, exchange),
            store,
            book,
            audit,
            trailing,
            clock,
            Duration.ofSeconds(5));
    opener =
        new PositionOpener(
            Map.of(Exchange.BINANCE, exchange),
            store,
            book,
            audit,
            trailing,
            closer,
            clock,
            OpenPolicy.standard());
    exchange.start(new PositionTracker(Exchange.BINANCE, book, store, audit, closer));
  }

  @Benchmark
  public Object openAndClose() {
    OpenResult result =
        opener.open(
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
    return closer.close(KEY, CloseReason.MANUAL, 1);
  }
}
