package io.positionkeeper.domain.sim;

import io.positionkeeper.domain.audit.AuditSink;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.domain.keeper.Safeguards;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.fake.InMemoryTrailingStopStore;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What survives a restart (the venue, the stores, the clock) and what does not (the keeper). A
 * restart stops the keeper and builds a new one from the stores and the venue, as a process restart
 * would; nothing of the old keeper's memory is carried over.
 */
final class SimWorld {
  static final List<Symbol> SYMBOLS =
      List.of(Symbol.of("BTCUSDT"), Symbol.of("SKLUSDT"), Symbol.of("DBRUSDT"));

  /** Each symbol's tick, the price step of its rules below. */
  static final Map<Symbol, BigDecimal> TICKS =
      Map.of(
          SYMBOLS.get(0), new BigDecimal("0.10"),
          SYMBOLS.get(1), new BigDecimal("0.00001"),
          SYMBOLS.get(2), new BigDecimal("0.000001"));

  final ManualClock clock = ManualClock.atDefaultStart();
  final FakeExchange exchange;
  final InMemoryAuditJournal journal = new InMemoryAuditJournal();
  final InMemoryPositionStore store = new InMemoryPositionStore(journal);
  final InMemoryTrailingStopStore trailingStore = new InMemoryTrailingStopStore();
  // Every event the keeper hands its audit sink, by id: I4 finds each in the trail exactly once.
  final Set<String> emitted = new HashSet<>();
  private final AuditSink sink =
      record -> {
        emitted.add(record.eventId());
        journal.append(List.of(record));
      };
  private final SwitchableStreams streams;
  // Between the keeper and the venue: what reached the venue as a new stop (I1), and exceptions
  // outside the ports' taxonomy (the UNEXPECTED fault class); both outlive a restart.
  final StopOrigins stopOrigins;
  final UnexpectedFaults unexpected = new UnexpectedFaults();
  private final Set<TeethGateway.Switch> teeth;
  private final Safeguards safeguards;
  Keeper keeper;
  int restarts;

  /** A Binance-flavoured world (the scenario tests' default). */
  SimWorld() {
    this(FakeExchange.Flavour.BINANCE);
  }

  SimWorld(FakeExchange.Flavour flavour) {
    this(flavour, Set.of());
  }

  /** A world whose keeper sees the venue through {@link TeethGateway} with {@code teeth} on. */
  SimWorld(FakeExchange.Flavour flavour, Set<TeethGateway.Switch> teeth) {
    this(flavour, teeth, Safeguards.standard());
  }

  /** A world whose keepers are built with {@code safeguards} (an old rule put back: teeth). */
  SimWorld(FakeExchange.Flavour flavour, Set<TeethGateway.Switch> teeth, Safeguards safeguards) {
    this.teeth = Set.copyOf(teeth);
    this.safeguards = safeguards;
    exchange =
        new FakeExchange(
                flavour == FakeExchange.Flavour.BYBIT ? Exchange.BYBIT : Exchange.BINANCE, clock)
            .flavour(flavour);
    streams = new SwitchableStreams(exchange);
    stopOrigins = new StopOrigins(exchange);
    exchange.addInstrument(
        rules(SYMBOLS.get(0), TICKS.get(SYMBOLS.get(0)), "0.001", "0.001", "120", "100"));
    exchange.addInstrument(
        rules(SYMBOLS.get(1), TICKS.get(SYMBOLS.get(1)), "1", "1", "1000000", "5"));
    exchange.addInstrument(
        rules(SYMBOLS.get(2), TICKS.get(SYMBOLS.get(2)), "1", "1", "10000000", "5"));
    exchange.setMarkPrice(SYMBOLS.get(0), new BigDecimal("64000"));
    exchange.setMarkPrice(SYMBOLS.get(1), new BigDecimal("0.03245"));
    exchange.setMarkPrice(SYMBOLS.get(2), new BigDecimal("0.012345"));
    exchange.start(streams::deliver);
    keeper = build();
    keeper.start();
  }

  private Keeper build() {
    return Keeper.builder(clock, unexpected.store(store), trailingStore)
        .venue(
            unexpected.gateway(
                teeth.isEmpty() ? stopOrigins : new TeethGateway(stopOrigins, teeth)),
            streams)
        .policy(KeeperPolicy.standard())
        .safeguards(safeguards)
        .audit(sink)
        .io(Runnable::run)
        .build();
  }

  /**
   * Drops the keeper and all its memory; a new one starts from the stores and the venue. A start
   * that fails (the store down while loading) is tried again with a fresh keeper, as a supervisor
   * restarts a process that exited.
   */
  void restart() {
    keeper.stop();
    restarts++;
    for (int attempt = 1; ; attempt++) {
      keeper = build();
      try {
        keeper.start();
        return;
      } catch (io.positionkeeper.ports.PortException | UnexpectedFaults.SimulatedBug e) {
        if (attempt == 10) {
          throw e;
        }
        keeper.stop();
        clock.advance(java.time.Duration.ofSeconds(1));
      }
    }
  }

  private static InstrumentRules rules(
      Symbol s, BigDecimal tick, String step, String min, String max, String notional) {
    return new InstrumentRules(
        s,
        tick,
        new BigDecimal(step),
        new BigDecimal(min),
        new BigDecimal(max),
        new BigDecimal(notional));
  }

  /**
   * The venue's streams as each keeper sees them: the fake starts its streams once, so a restarted
   * keeper is attached here, and its start reconnects and resyncs as a new connection would.
   */
  private static final class SwitchableStreams implements ExchangeStreams {
    private final FakeExchange venue;
    private StreamListener current;

    SwitchableStreams(FakeExchange venue) {
      this.venue = venue;
    }

    /**
     * As both venues' stream adapters do, a listener that fails on an event because a venue or
     * store call of its own met a simulated driver bug does not stop the stream: the adapter logs
     * it and goes on with the next event. Anything else the keeper throws still reaches the
     * simulator.
     */
    void deliver(io.positionkeeper.ports.model.StreamEvent event) {
      if (current != null) {
        try {
          current.onEvent(event);
        } catch (UnexpectedFaults.SimulatedBug e) {
          // the adapter's log line; the invariants judge what the lost handling left behind
        }
      }
    }

    @Override
    public void start(StreamListener listener) {
      current = listener;
      venue.reconnect();
    }

    @Override
    public void watchMarkPrices(Set<Symbol> symbols) {
      venue.watchMarkPrices(symbols);
    }

    @Override
    public ConnectionState connectionState() {
      return venue.connectionState();
    }

    @Override
    public void close() {
      current = null;
    }
  }
}
