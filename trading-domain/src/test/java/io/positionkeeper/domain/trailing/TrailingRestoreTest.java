package io.positionkeeper.domain.trailing;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionLoader;
import io.positionkeeper.domain.stream.ConnectionMonitor;
import io.positionkeeper.domain.tracking.OwnExits;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.fake.InMemoryTrailingStopStore;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The restoration race at startup: the bot this project replaces asked the exchange for positions
 * before its connection was ready, got an empty answer, and deleted the trailing-stop states of all
 * 14 open positions, leaving them unprotected.
 */
class TrailingRestoreTest {
  private final ManualClock clock = ManualClock.atDefaultStart();
  private final FakeExchange exchange = new FakeExchange(Exchange.BINANCE, clock);
  private final InMemoryAuditJournal journal = new InMemoryAuditJournal();
  private final InMemoryPositionStore positions = new InMemoryPositionStore(journal);
  private final InMemoryTrailingStopStore states = new InMemoryTrailingStopStore();
  private final AuditTrail audit = new AuditTrail(clock, r -> journal.append(List.of(r)));
  private final TrailingPolicy policy = TrailingPolicy.standard();
  private final TrailingStopManager manager =
      new TrailingStopManager(
          new TrailingStopManager.Venue(
              exchange,
              new PositionBook(clock, new OwnExits()),
              new InstrumentCatalog(),
              (key, id, reason) -> {}),
          positions,
          states,
          audit,
          clock,
          policy,
          Runnable::run);
  private final TrailingRestorer restorer = new TrailingRestorer(states, audit, clock, policy);
  private final ConnectionMonitor monitor = new ConnectionMonitor(Exchange.BINANCE);

  // Each stored position has an entry order of its own, as on the venue (the store refuses a second
  // row for one entry order).
  private long nextEntryOrder = 1000;

  private long storePosition(
      String symbol, PositionSide side, boolean withStop, boolean withState) {
    long id =
        positions.insert(
            new NewPosition(
                Exchange.BINANCE,
                Symbol.of(symbol),
                side,
                BigDecimal.TEN,
                new BigDecimal("1.5"),
                ExchangeOrderId.of(nextEntryOrder++),
                Optional.of(ClientOrderId.of("pko-" + symbol.toLowerCase())),
                Optional.empty(),
                clock.now()),
            io.positionkeeper.ports.contract.ContractData.event("POSITION_CREATED"));
    if (withStop) {
      positions.recordStop(
          id,
          ClientOrderId.of("pks-" + symbol.toLowerCase() + "-1"),
          new BigDecimal("1.47"),
          io.positionkeeper.ports.contract.ContractData.event("STOP_PLACED"));
    }
    if (withState) {
      states.save(
          new TrailingStopState(
              id,
              Symbol.of(symbol),
              side,
              new BigDecimal("1.5"),
              new BigDecimal("1.52"),
              new BigDecimal("0.5"),
              TrailingStatus.ACTIVE,
              new BigDecimal("1.61"),
              Optional.of(new BigDecimal("1.60")),
              7,
              Optional.of(clock.now()),
              Optional.of(clock.now()),
              new BigDecimal("1.61"),
              clock.now()));
    }
    return id;
  }

  /**
   * 14 positions with their states in the store; the exchange answers empty or fails while the bot
   * starts. Restore uses only what the database holds: 14 restored with their peaks and update
   * counts, 0 deleted, 0 exchange calls. The old bot deleted all 14.
   */
  @Test
  void seed004_fourteenPositions_exchangeEmptyOrFailing_allRestored_noneDeleted_noExchangeCall() {
    String[] symbols = {
      "POLYXUSDT",
      "TWTUSDT",
      "CLOUDUSDT",
      "AAAUSDT",
      "BBBUSDT",
      "CCCUSDT",
      "DDDUSDT",
      "EEEUSDT",
      "FFFUSDT",
      "GGGUSDT",
      "HHHUSDT",
      "IIIUSDT",
      "JJJUSDT",
      "KKKUSDT"
    };
    for (String s : symbols) {
      storePosition(s, PositionSide.LONG, true, true);
    }
    exchange
        .faults()
        .failAlways(FakeExchange.Op.POSITIONS, new RetryableException("exchange not ready"));
    PositionBook book = new PositionBook(clock, new OwnExits());

    List<PositionRecord> open = PositionLoader.load(positions, book);
    TrailingRestorer.Report report = restorer.restore(open, manager);

    assertThat(report.restored()).isEqualTo(14);
    assertThat(report.fresh()).isZero();
    assertThat(states.deleteCount()).isZero();
    assertThat(exchange.faults().totalCalls()).isZero();
    assertThat(manager.trackedIds()).hasSize(14);
    assertThat(manager.stateOf(open.get(0).id()).orElseThrow().updateCount()).isEqualTo(7);
    assertThat(book.size()).isEqualTo(14);
  }

  @Test
  void thenAHealthCheckWhileNotReady_orOnAnEmptyAnswerFromAnUnreadyConnection_deletesNothing() {
    for (int i = 0; i < 14; i++) {
      storePosition("S" + (char) ('A' + i) + "USDT", PositionSide.LONG, true, true);
    }
    restorer.restore(
        PositionLoader.load(positions, new PositionBook(clock, new OwnExits())), manager);
    var check = new TrailingHealthCheck(exchange, monitor, manager, audit);

    var notReady = check.check(); // streams not resynced yet
    exchange.faults().clear(FakeExchange.Op.POSITIONS);
    monitor.onEvent(
        new io.positionkeeper.ports.model.StreamEvent.ConnectionChanged(
            io.positionkeeper.ports.model.ConnectionState.CONNECTED, "up", clock.now()));
    var connectedNotResynced = check.check(); // the exchange would answer empty here

    assertThat(notReady).isInstanceOf(TrailingHealthCheck.Outcome.Untrusted.class);
    assertThat(connectedNotResynced).isInstanceOf(TrailingHealthCheck.Outcome.Untrusted.class);
    assertThat(exchange.faults().calls(FakeExchange.Op.POSITIONS)).isZero();
    assertThat(states.deleteCount()).isZero();
    assertThat(manager.trackedIds()).hasSize(14);
  }

  @Test
  void aMissingStateWithNoRecordedStop_getsAFreshTrailingStop_withoutCrashing() {
    long id = storePosition("NOSTOPUSDT", PositionSide.SHORT, false, false);

    var report =
        restorer.restore(
            PositionLoader.load(positions, new PositionBook(clock, new OwnExits())), manager);

    assertThat(report.fresh()).isEqualTo(1);
    TrailingStopState fresh = manager.stateOf(id).orElseThrow();
    assertThat(fresh.status()).isEqualTo(TrailingStatus.INACTIVE);
    assertThat(fresh.currentStop()).isEmpty();
    assertThat(fresh.activationPrice()).isEqualByComparingTo("1.4775"); // 1.5 − 1.5 %
    assertThat(states.find(id)).isPresent();
    assertThat(journal.types()).contains("TRAILING_RESET");
  }

  @Test
  void aStateThatDoesNotMatchItsPosition_isReplacedByAFreshOne() {
    long id = storePosition("SIDEUSDT", PositionSide.SHORT, true, false);
    states.save(
        new TrailingStopState(
            id,
            Symbol.of("SIDEUSDT"),
            PositionSide.LONG,
            new BigDecimal("1.5"),
            new BigDecimal("1.52"),
            new BigDecimal("0.5"),
            TrailingStatus.ACTIVE,
            new BigDecimal("1.61"),
            Optional.empty(),
            3,
            Optional.empty(),
            Optional.empty(),
            new BigDecimal("1.61"),
            clock.now()));

    var report =
        restorer.restore(
            PositionLoader.load(positions, new PositionBook(clock, new OwnExits())), manager);

    assertThat(report.fresh()).isEqualTo(1);
    assertThat(manager.stateOf(id).orElseThrow().side()).isEqualTo(PositionSide.SHORT);
    assertThat(journal.records())
        .filteredOn(r -> r.type().equals("TRAILING_RESET"))
        .singleElement()
        .satisfies(r -> assertThat(r.payload().get("reason")).contains("stored state is LONG"));
  }

  @Test
  void aStateWithoutAnOpenPosition_isReported_notDeleted() {
    long id = storePosition("GONEUSDT", PositionSide.LONG, true, true);
    positions.close(
        id,
        new io.positionkeeper.ports.model.PositionClose(
            BigDecimal.ONE,
            BigDecimal.ZERO,
            io.positionkeeper.ports.model.CloseReason.MANUAL,
            clock.now()),
        io.positionkeeper.ports.contract.ContractData.event("POSITION_CLOSED"));

    var report =
        restorer.restore(
            PositionLoader.load(positions, new PositionBook(clock, new OwnExits())), manager);

    assertThat(report.orphanStates()).containsExactly(id);
    assertThat(states.deleteCount()).isZero();
  }
}
