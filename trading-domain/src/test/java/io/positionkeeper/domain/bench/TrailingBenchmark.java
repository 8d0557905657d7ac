package io.positionkeeper.domain.bench;

import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.tracking.OwnExits;
import io.positionkeeper.domain.trailing.TrailingPolicy;
import io.positionkeeper.domain.trailing.TrailingRestorer;
import io.positionkeeper.domain.trailing.TrailingStopManager;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.fake.InMemoryTrailingStopStore;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
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
 * Trailing stops at scale: one mark-price tick evaluated with 1,000 active positions tracked (the
 * tick touches its own symbol only), and a startup restore of 10,000 positions with their states
 * from the in-memory stores.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrailingBenchmark {
  private static final int ACTIVE = 1_000;
  private static final int RESTORED = 10_000;

  static Symbol symbol(int i) {
    return Symbol.of("S" + i + "USDT");
  }

  /** 1,000 active trailing stops; moves go to an executor that drops them (no venue I/O here). */
  @State(Scope.Thread)
  public static class Ticks {
    TrailingStopManager manager;
    Symbol[] symbols = new Symbol[ACTIVE];
    BigDecimal below = new BigDecimal("101.80"); // under the peak, above the trigger level
    BigDecimal[] rising = new BigDecimal[4096];
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    int next;
    int peak;

    @Setup(Level.Trial)
    public void setUp() {
      ManualClock clock = ManualClock.atDefaultStart();
      FakeExchange exchange = new FakeExchange(Exchange.BINANCE, clock);
      AuditTrail audit = new AuditTrail(clock, r -> {});
      InstrumentCatalog instruments = new InstrumentCatalog();
      manager =
          new TrailingStopManager(
              new TrailingStopManager.Venue(
                  exchange,
                  new PositionBook(clock, new OwnExits()),
                  instruments,
                  (key, id, reason) -> {}),
              new InMemoryPositionStore(new InMemoryAuditJournal()),
              new InMemoryTrailingStopStore(),
              audit,
              clock,
              TrailingPolicy.standard(),
              task -> {});
      for (int i = 0; i < ACTIVE; i++) {
        symbols[i] = symbol(i);
        exchange.addInstrument(
            new InstrumentRules(
                symbols[i],
                new BigDecimal("0.01"),
                BigDecimal.ONE,
                BigDecimal.ONE,
                new BigDecimal("1000000"),
                BigDecimal.ZERO));
        instruments.loadAll(exchange);
        TrailingStopState state =
            new TrailingStopState(
                i + 1,
                symbols[i],
                PositionSide.LONG,
                new BigDecimal("100"),
                new BigDecimal("101"),
                new BigDecimal("0.5"),
                TrailingStatus.ACTIVE,
                new BigDecimal("102"),
                Optional.of(new BigDecimal("101.49")),
                1,
                Optional.of(clock.now()),
                Optional.of(clock.now()),
                new BigDecimal("102"),
                clock.now());
        manager.adopt(
            new PositionKey(Exchange.BINANCE, symbols[i]),
            ClientOrderId.of("pko-b" + i),
            state,
            Optional.of(
                new StopOrder(
                    symbols[i],
                    ClientOrderId.of("pks-b" + i),
                    Optional.empty(),
                    PositionSide.LONG,
                    new BigDecimal("101.49"),
                    StopStatus.WORKING)));
        manager.onMark(symbols[i], new BigDecimal("102"), now);
      }
      for (int i = 0; i < rising.length; i++) {
        rising[i] = new BigDecimal("102").add(BigDecimal.valueOf(i + 1, 2));
      }
    }
  }

  /** The common tick: no new peak, no trigger. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object tickCommon(Ticks t) {
    Symbol s = t.symbols[t.next++ % ACTIVE];
    TrailingStopManager.Decision d = t.manager.onMark(s, t.below, t.now);
    if (d != TrailingStopManager.Decision.NONE) {
      throw new IllegalStateException("not the common path: " + d);
    }
    return d;
  }

  /** A tick that makes a new peak on one position (state replaced, stop recomputed). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object tickNewPeak(Ticks t) {
    Symbol s = t.symbols[0];
    return t.manager.onMark(
        s,
        t.rising[t.peak++ % t.rising.length].add(BigDecimal.valueOf(t.peak / t.rising.length)),
        t.now);
  }

  /** 10,000 positions with states in the in-memory stores, loaded and restored from scratch. */
  @State(Scope.Thread)
  public static class Restore {
    InMemoryTrailingStopStore states;
    List<PositionRecord> open;
    ManualClock clock;
    FakeExchange exchange;
    InMemoryPositionStore positions;

    @Setup(Level.Trial)
    public void setUp() {
      clock = ManualClock.atDefaultStart();
      exchange = new FakeExchange(Exchange.BINANCE, clock);
      InMemoryAuditJournal journal = new InMemoryAuditJournal();
      positions = new InMemoryPositionStore(journal);
      states = new InMemoryTrailingStopStore();
      AuditTrail audit = new AuditTrail(clock, r -> {});
      for (int i = 0; i < RESTORED; i++) {
        Symbol s = symbol(i);
        long id =
            positions.insert(
                new NewPosition(
                    Exchange.BINANCE,
                    s,
                    PositionSide.LONG,
                    BigDecimal.TEN,
                    new BigDecimal("100"),
                    ExchangeOrderId.of(i + 1),
                    Optional.of(ClientOrderId.of("pko-r" + i)),
                    Optional.empty(),
                    clock.now()),
                audit.toRecord(
                    new io.positionkeeper.domain.audit.AuditEvent.IntentRefused(
                        io.positionkeeper.domain.audit.Subject.symbol(
                            new PositionKey(Exchange.BINANCE, s), "pko-r" + i),
                        "bench")));
        states.save(
            new TrailingStopState(
                id,
                s,
                PositionSide.LONG,
                new BigDecimal("100"),
                new BigDecimal("101"),
                new BigDecimal("0.5"),
                TrailingStatus.ACTIVE,
                new BigDecimal("102"),
                Optional.of(new BigDecimal("101.49")),
                1,
                Optional.of(clock.now()),
                Optional.of(clock.now()),
                new BigDecimal("102"),
                clock.now()));
      }
      open = positions.loadOpen();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object restoreTenThousand(Restore r) {
    AuditTrail audit = new AuditTrail(r.clock, rec -> {});
    TrailingStopManager manager =
        new TrailingStopManager(
            new TrailingStopManager.Venue(
                r.exchange,
                new PositionBook(r.clock, new OwnExits()),
                new InstrumentCatalog(),
                (key, id, reason) -> {}),
            r.positions,
            r.states,
            audit,
            r.clock,
            TrailingPolicy.standard(),
            task -> {});
    TrailingRestorer.Report report =
        new TrailingRestorer(r.states, audit, r.clock, TrailingPolicy.standard())
            .restore(r.open, manager);
    if (report.restored() != RESTORED) {
      throw new IllegalStateException("restored " + report.restored());
    }
    return manager;
  }
}
