package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.tracking.OwnExits;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.fake.InMemoryTrailingStopStore;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * A trailing stop on its own: a position seeded on the fake venue with a stop-loss, and a manager
 * tracking it, fed through the venue's mark price. No closer is wired, so the local rule can be
 * observed after the exchange stop fired.
 */
final class TrailingFixture {
  static final Symbol SYM = Symbol.of("TESTUSDT");
  static final long ID = 1;

  final ManualClock clock = ManualClock.atDefaultStart();
  final FakeExchange exchange = new FakeExchange(Exchange.BINANCE, clock);
  final InMemoryAuditJournal journal = new InMemoryAuditJournal();
  final InMemoryPositionStore positions = new InMemoryPositionStore(journal);
  final InMemoryTrailingStopStore store = new InMemoryTrailingStopStore();
  final AuditTrail audit = new AuditTrail(clock, r -> journal.append(List.of(r)));
  final TrailingPolicy policy;
  final PositionBook book = new PositionBook(clock, new OwnExits());
  final InstrumentCatalog instruments = new InstrumentCatalog();
  final List<Long> exits = new java.util.ArrayList<>();
  final TrailingStopManager manager;
  final long positionId;

  TrailingFixture(
      PositionSide side,
      String entry,
      String activationPct,
      String callbackPct,
      TrailingPolicy policy) {
    this.policy = policy;
    manager =
        new TrailingStopManager(
            new TrailingStopManager.Venue(exchange, book, instruments, this::closeAtMarket),
            positions,
            store,
            audit,
            clock,
            policy,
            Runnable::run);
    exchange.addInstrument(
        new InstrumentRules(
            SYM,
            new BigDecimal("0.01"),
            new BigDecimal("1"),
            BigDecimal.ONE,
            new BigDecimal("1000000"),
            BigDecimal.ZERO));
    instruments.loadAll(exchange);
    BigDecimal e = new BigDecimal(entry);
    exchange.setMarkPrice(SYM, e);
    exchange.seedPosition(
        SYM,
        side == PositionSide.LONG ? BigDecimal.TEN : BigDecimal.TEN.negate(),
        e,
        Optional.empty());
    BigDecimal initialStop =
        side == PositionSide.LONG
            ? e.multiply(new BigDecimal("0.9"))
            : e.multiply(new BigDecimal("1.1"));
    StopOrder stop =
        exchange.placeStopLoss(
            new StopLossRequest(
                SYM,
                side,
                initialStop.setScale(2, java.math.RoundingMode.HALF_UP),
                ClientOrderId.of("pks-initial-1")));
    positionId =
        positions.insert(
            new io.positionkeeper.ports.model.NewPosition(
                Exchange.BINANCE,
                SYM,
                side,
                BigDecimal.TEN,
                e,
                io.positionkeeper.ports.model.ExchangeOrderId.of(77),
                Optional.of(ClientOrderId.of("pko-trailing")),
                Optional.empty(),
                clock.now()),
            audit.toRecord(
                new io.positionkeeper.domain.audit.AuditEvent.OperationFailed(
                    io.positionkeeper.domain.audit.Subject.symbol(
                        new PositionKey(Exchange.BINANCE, SYM), "pko-trailing"),
                    "fixture",
                    "position for a trailing test",
                    io.positionkeeper.ports.model.Severity.DEBUG)));
    TrailingParams params =
        new TrailingParams(new BigDecimal(activationPct), new BigDecimal(callbackPct));
    TrailingStopState initial =
        new TrailingStopState(
            positionId,
            SYM,
            side,
            e,
            TrailingRule.activationPrice(side, e, params.activationPercent()),
            params.callbackPercent(),
            TrailingStatus.INACTIVE,
            e,
            Optional.of(stop.triggerPrice()),
            0,
            Optional.empty(),
            Optional.empty(),
            e,
            clock.now());
    manager.adopt(
        new PositionKey(Exchange.BINANCE, SYM),
        ClientOrderId.of("pko-trailing"),
        initial,
        Optional.of(stop));
    exchange.start(manager);
    exchange.watchMarkPrices(java.util.Set.of(SYM));
  }

  /** What the keeper's exit does, in short: a reduce-only market close of the whole position. */
  private void closeAtMarket(
      PositionKey key, long dbId, io.positionkeeper.ports.model.CloseReason reason) {
    exits.add(dbId);
    BigDecimal size = exchange.positionSize(SYM);
    exchange.placeMarketOrder(
        new io.positionkeeper.ports.model.MarketOrderRequest(
            SYM,
            size.signum() > 0
                ? io.positionkeeper.ports.model.Side.SELL
                : io.positionkeeper.ports.model.Side.BUY,
            size.abs(),
            ClientOrderId.of("pkc-trailing-exit-" + exits.size()),
            true));
  }

  TrailingStopState state() {
    return manager.stateOf(positionId).orElseThrow();
  }

  void tick(String price, long afterMillis) {
    clock.advance(java.time.Duration.ofMillis(afterMillis));
    exchange.setMarkPrice(SYM, new BigDecimal(price));
  }
}
