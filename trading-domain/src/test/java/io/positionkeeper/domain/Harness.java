package io.positionkeeper.domain;

import io.positionkeeper.domain.audit.AuditSink;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.domain.keeper.Safeguards;
import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenPolicy;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PositionStore;
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
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The keeper's one assembly on the fakes and a manual clock, started, as a bot would run it. Audit
 * records go straight to the in-memory journal, so tests read the trail at once; stop moves run on
 * the test's thread.
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
  public final AuditSink sink = record -> journal.append(List.of(record));
  public final Keeper keeper;
  public final PositionBook book;
  public final StreamListener stream;

  public Harness() {
    this(KeeperPolicy.standard());
  }

  public Harness(OpenPolicy policy) {
    this(KeeperPolicy.standard().withOpen(policy));
  }

  public Harness(KeeperPolicy policy) {
    this(policy, Safeguards.standard());
  }

  /** A harness whose keeper is built with {@code safeguards} (an old rule put back). */
  public Harness(KeeperPolicy policy, Safeguards safeguards) {
    exchange.addInstrument(rules(BTC, "0.10", "0.001", "0.001", "120", "100"));
    exchange.addInstrument(rules(SKL, "0.00001", "1", "1", "1000000", "5"));
    exchange.addInstrument(rules(DBR, "0.000001", "1", "1", "10000000", "5"));
    exchange.setMarkPrice(BTC, new BigDecimal("64000"));
    exchange.setMarkPrice(SKL, new BigDecimal("0.03245"));
    exchange.setMarkPrice(DBR, new BigDecimal("0.012345"));
    keeper =
        Keeper.builder(clock, store, trailingStore)
            .venue(exchange, exchange)
            .policy(policy)
            .safeguards(safeguards)
            .audit(sink)
            .io(Runnable::run)
            .build();
    keeper.start();
    book = keeper.book();
    stream = keeper.listener(Exchange.BINANCE);
  }

  /**
   * A keeper on this harness's clock, stores, venue and audit trail that calls the venue through
   * {@code gateway} and the position store through {@code positions} (a fault or a hook in front of
   * the fakes), started in place of the harness's own, which is stopped.
   */
  public Keeper keeperOver(ExchangeGateway gateway, PositionStore positions) {
    Keeper over =
        Keeper.builder(clock, positions, trailingStore)
            .venue(gateway, exchange)
            .audit(sink)
            .io(Runnable::run)
            .build();
    keeper.stop();
    over.start();
    return over;
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
    return intent(Exchange.BINANCE, symbol, side, quoteSize, intentId);
  }

  /** The same intent, addressed to {@code exchange} (a fake of another flavour). */
  public static OpenIntent intent(
      Exchange exchange, Symbol symbol, PositionSide side, String quoteSize, String intentId) {
    return new OpenIntent(
        exchange,
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
