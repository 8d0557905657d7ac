package io.positionkeeper.domain;

import io.positionkeeper.domain.audit.AuditSink;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenPolicy;
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
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The domain wired to the fakes on a manual clock, as the runner wires it to real adapters. Audit
 * records go straight to the in-memory journal, so tests read the trail at once.
 */
public final class Harness {
  public static final Symbol BTC = Symbol.of("BTCUSDT");
  public static final Symbol SKL = Symbol.of("SKLUSDT");
  public static final Symbol DBR = Symbol.of("DBRUSDT");

  public final ManualClock clock = ManualClock.atDefaultStart();
  public final FakeExchange exchange = new FakeExchange(Exchange.BINANCE, clock);
  public final InMemoryAuditJournal journal = new InMemoryAuditJournal();
  public final InMemoryPositionStore store = new InMemoryPositionStore(journal);
  public final InMemoryTrailingStopStore trailingStore = new InMemoryTrailingStopStore();
  public final AuditSink sink =
      record -> {
        journal.append(List.of(record));
      };
  public final AuditTrail audit = new AuditTrail(clock, sink);
  public final PositionBook book = new PositionBook(clock);
  public final TrailingStopManager trailing =
      new TrailingStopManager(
          Exchange.BINANCE,
          exchange,
          store,
          trailingStore,
          audit,
          clock,
          TrailingPolicy.standard(),
          Runnable::run);
  public final PositionCloser closer =
      new PositionCloser(
          Map.of(Exchange.BINANCE, exchange),
          store,
          book,
          audit,
          trailing,
          clock,
          Duration.ofSeconds(5));
  public final PositionTracker tracker =
      new PositionTracker(Exchange.BINANCE, book, store, audit, closer);
  public final PositionOpener opener;

  public Harness() {
    this(OpenPolicy.standard());
  }

  public Harness(OpenPolicy policy) {
    opener =
        new PositionOpener(
            Map.of(Exchange.BINANCE, exchange),
            store,
            book,
            audit,
            trailing,
            closer,
            clock,
            policy);
    exchange.addInstrument(rules(BTC, "0.10", "0.001", "0.001", "120", "100"));
    exchange.addInstrument(rules(SKL, "0.00001", "1", "1", "1000000", "5"));
    exchange.addInstrument(rules(DBR, "0.000001", "1", "1", "10000000", "5"));
    exchange.setMarkPrice(BTC, new BigDecimal("64000"));
    exchange.setMarkPrice(SKL, new BigDecimal("0.03245"));
    exchange.setMarkPrice(DBR, new BigDecimal("0.012345"));
    exchange.start(
        event -> {
          tracker.onEvent(event);
          trailing.onEvent(event);
        });
    exchange.watchMarkPrices(java.util.Set.of(BTC, SKL, DBR));
  }

  public static InstrumentRules rules(
      Symbol s, String tick, String step, String min, String max, String notional) {
    return new InstrumentRules(
        s,
        new BigDecimal(tick),
        new BigDecimal(step),
        new BigDecimal(min),
        new BigDecimal(max),
        new BigDecimal(notional));
  }

  public static OpenIntent intent(
      Symbol symbol, PositionSide side, String quoteSize, String intentId) {
    return new OpenIntent(
        Exchange.BINANCE,
        symbol,
        side,
        new BigDecimal(quoteSize),
        SizeUnit.QUOTE,
        new BigDecimal("2"),
        new TrailingParams(new BigDecimal("1.5"), new BigDecimal("0.5")),
        Optional.of("signal-" + intentId),
        intentId);
  }

  public static PositionKey key(Symbol symbol) {
    return new PositionKey(Exchange.BINANCE, symbol);
  }

  /** The invariant of the mission: every open exchange position has exactly one working stop. */
  public boolean everyOpenPositionHasExactlyOneStop() {
    return exchange.openPositions().stream()
        .allMatch(
            p ->
                exchange.allStops().stream()
                        .filter(
                            s -> s.symbol().equals(p.symbol()) && s.status() == StopStatus.WORKING)
                        .count()
                    == 1);
  }

  public List<String> types() {
    return journal.types();
  }
}
