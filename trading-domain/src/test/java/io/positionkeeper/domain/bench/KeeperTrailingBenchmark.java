package io.positionkeeper.domain.bench;

import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.keeper.StartReport;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.fake.InMemoryTrailingStopStore;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.StreamEvent;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The trailing figures through the keeper's one assembly, as a bot runs it: a mark-price event
 * delivered to the keeper's stream listener (book, then trailing stop) with 1,000 positions opened
 * through the keeper and trailing; and a restarted keeper's start over 10,000 stored positions
 * (load, restore the trailing states, connect, resync, reconcile), on the in-memory fakes.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KeeperTrailingBenchmark {
  private static final BigDecimal ENTRY = new BigDecimal("100");

  static Symbol symbol(int i) {
    return Symbol.of("K" + i + "USDT");
  }

  /** A venue with {@code n} symbols and a keeper that opened a long on each. */
  static final class Venue {
    final ManualClock clock = ManualClock.atDefaultStart();
    final FakeExchange exchange = new FakeExchange(Exchange.BINANCE, clock);
    final InMemoryPositionStore store = new InMemoryPositionStore(new InMemoryAuditJournal());
    final InMemoryTrailingStopStore trailing = new InMemoryTrailingStopStore();

    Venue(int n) {
      for (int i = 0; i < n; i++) {
        exchange.addInstrument(
            new InstrumentRules(
                symbol(i),
                new BigDecimal("0.01"),
                BigDecimal.ONE,
                BigDecimal.ONE,
                new BigDecimal("1000000"),
                BigDecimal.ZERO));
        exchange.setMarkPrice(symbol(i), ENTRY);
      }
      Keeper opener = keeper();
      opener.start();
      for (int i = 0; i < n; i++) {
        OpenResult result =
            opener.open(
                new OpenIntent(
                    Exchange.BINANCE,
                    symbol(i),
                    PositionSide.LONG,
                    new BigDecimal("1000"),
                    SizeUnit.QUOTE,
                    new BigDecimal("2"),
                    new TrailingParams(new BigDecimal("1"), new BigDecimal("0.5")),
                    Optional.empty(),
                    "bench-" + i));
        if (!(result instanceof OpenResult.Opened)) {
          throw new IllegalStateException("setup open failed: " + result);
        }
      }
      opener.stop();
    }

    Keeper keeper() {
      return Keeper.builder(clock, store, trailing)
          .venue(exchange, exchange)
          .audit(r -> {})
          .io(task -> {}) // moves and saves leave the tick; no venue I/O is measured here
          .build();
    }
  }

  /** 1,000 positions trailing in a started keeper, every one past its activation. */
  @State(Scope.Thread)
  public static class Ticks {
    static final int ACTIVE = 1_000;
    Keeper keeper;
    StreamListener listener;
    Venue venue;
    StreamEvent.MarkPriceChanged[] below = new StreamEvent.MarkPriceChanged[ACTIVE];
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      venue = new Venue(ACTIVE);
      keeper = venue.keeper();
      keeper.start();
      listener = keeper.listener(Exchange.BINANCE);
      for (int i = 0; i < ACTIVE; i++) {
        // A peak of 102 activates the trailing stop; 101.8 stays under the peak and above the
        // stop level (101.49): the common tick.
        listener.onEvent(
            new StreamEvent.MarkPriceChanged(symbol(i), new BigDecimal("102"), venue.clock.now()));
        below[i] =
            new StreamEvent.MarkPriceChanged(
                symbol(i), new BigDecimal("101.80"), venue.clock.now());
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      keeper.stop();
    }
  }

  /** A mark-price event through the keeper's listener: book, then trailing stop, no new peak. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object tickThroughKeeper(Ticks t) {
    StreamEvent.MarkPriceChanged event = t.below[t.next++ % Ticks.ACTIVE];
    t.listener.onEvent(event);
    return event;
  }

  /** 10,000 stored positions with their trailing states and working stops on the venue. */
  @State(Scope.Benchmark)
  public static class Restart {
    static final int STORED = 10_000;
    Venue venue;

    @Setup(Level.Trial)
    public void setUp() {
      venue = new Venue(STORED);
    }
  }

  /** A restarted keeper from nothing to taking opens: load, restore, resync, reconcile. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object startTenThousand(Restart r) {
    Keeper keeper = r.venue.keeper();
    StartReport report = keeper.start();
    keeper.stop();
    if (report.trailingRestored() != Restart.STORED || !report.notReady().isEmpty()) {
      throw new IllegalStateException("not the restart measured: " + report);
    }
    return report;
  }
}
