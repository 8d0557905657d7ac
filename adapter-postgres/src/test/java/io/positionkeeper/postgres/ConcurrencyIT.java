package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.Fixtures.T0;
import static io.positionkeeper.postgres.Fixtures.event;
import static io.positionkeeper.postgres.Fixtures.position;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several writers on one database at once, as two runners (or two threads) would be. */
class ConcurrencyIT {
  private final JooqPositionStore store = new JooqPositionStore(TestDatabase.pool());
  private ExecutorService threads;

  @BeforeEach
  void setUp() {
    TestDatabase.clean();
    threads = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void twoWritersUpdatingOnePosition_loseNoUpdateEvent_andLeaveOneOfTheirValues() throws Exception {
    long id = store.insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_OPENED"));
    int updatesEach = 50;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Set<BigDecimal>>> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int writer = w;
      writers.add(
          threads.submit(
              () -> {
                start.await();
                Set<BigDecimal> written = new HashSet<>();
                for (int i = 0; i < updatesEach; i++) {
                  BigDecimal qty = new BigDecimal(writer + "." + (i + 1));
                  store.updatePosition(
                      id, PositionSide.LONG, qty, BigDecimal.TEN, event("POSITION_UPDATED"));
                  written.add(qty);
                }
                return written;
              }));
    }
    start.countDown();
    Set<BigDecimal> all = new HashSet<>();
    for (Future<Set<BigDecimal>> w : writers) {
      all.addAll(w.get(30, TimeUnit.SECONDS));
    }

    assertThat(TestDatabase.eventsOf(id)).hasSize(1 + 2 * updatesEach);
    assertThat(store.find(id).orElseThrow().quantity()).isIn(all);
  }

  /** A close racing with updates: after the close commits, no update lands and none is logged. */
  @Test
  void closeRacingWithUpdates_endsClosed_andEveryUpdateEventPrecedesTheCloseEvent()
      throws Exception {
    long id = store.insert(position(Exchange.BYBIT, "ETHUSDT"), event("POSITION_OPENED"));
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    CountDownLatch someUpdatesDone = new CountDownLatch(20);
    Callable<Void> updater =
        () -> {
          for (int i = 0; i < 500; i++) {
            try {
              store.updatePosition(
                  id,
                  PositionSide.SHORT,
                  BigDecimal.valueOf(i + 1),
                  BigDecimal.ONE,
                  event("POSITION_UPDATED"));
              accepted.incrementAndGet();
              someUpdatesDone.countDown();
            } catch (RejectedException e) {
              assertThat(e.code()).isEqualTo("ILLEGAL_TRANSITION");
              refused.incrementAndGet();
              return null;
            }
          }
          return null;
        };
    Future<Void> a = threads.submit(updater);
    Future<Void> b = threads.submit(updater);
    assertThat(someUpdatesDone.await(30, TimeUnit.SECONDS)).isTrue();
    AuditRecord closed = event("POSITION_CLOSED");

    store.close(
        id,
        new PositionClose(new BigDecimal("3001.5"), new BigDecimal("12.5"), CloseReason.MANUAL, T0),
        closed);
    a.get(30, TimeUnit.SECONDS);
    b.get(30, TimeUnit.SECONDS);

    PositionRecord row = store.find(id).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row.exitPrice()).contains(new BigDecimal("3001.5"));
    assertThat(refused.get()).isEqualTo(2);
    List<AuditRecord> events = TestDatabase.eventsOf(id);
    assertThat(events).hasSize(1 + accepted.get() + 1);
    assertThat(events.getLast().eventId()).isEqualTo(closed.eventId());
  }

  @Test
  void concurrentInsertsOnOneSymbol_openExactlyOnePosition() throws Exception {
    int racers = 4;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> results = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      results.add(
          threads.submit(
              () -> {
                start.await();
                try {
                  return store.insert(
                      position(Exchange.BINANCE, "SOLUSDT"), event("POSITION_OPENED"));
                } catch (RejectedException e) {
                  assertThat(e.code()).isEqualTo("UNIQUE_OPEN_POSITION");
                  return -1L;
                }
              }));
    }
    start.countDown();
    List<Long> ids = new ArrayList<>();
    for (Future<Long> f : results) {
      ids.add(f.get(30, TimeUnit.SECONDS));
    }

    assertThat(ids.stream().filter(i -> i > 0)).hasSize(1);
    assertThat(store.loadOpen()).hasSize(1);
    assertThat(TestDatabase.events()).hasSize(1);
  }

  /** Two runners on one database: every signal is taken once, by one of them. */
  @Test
  void twoRunnersClaimingSignals_neverTakeTheSameOne_andCannotCompleteEachOthers()
      throws Exception {
    int signals = 300;
    for (long id = 1; id <= signals; id++) {
      Signals.insert(
          new Signal(
              id,
              Exchange.BINANCE,
              Symbol.of("BTCUSDT"),
              PositionSide.LONG,
              BigDecimal.TEN,
              SizeUnit.QUOTE,
              BigDecimal.ONE,
              BigDecimal.ONE,
              BigDecimal.ONE,
              T0.plusMillis(id)));
    }
    JooqSignalSource runnerA = new JooqSignalSource(TestDatabase.pool(), "runner-a");
    JooqSignalSource runnerB = new JooqSignalSource(TestDatabase.pool(), "runner-b");
    CountDownLatch start = new CountDownLatch(1);
    Future<List<Long>> takenByA = threads.submit(claimAll(runnerA, start));
    Future<List<Long>> takenByB = threads.submit(claimAll(runnerB, start));
    start.countDown();
    List<Long> a = takenByA.get(30, TimeUnit.SECONDS);
    List<Long> b = takenByB.get(30, TimeUnit.SECONDS);

    Set<Long> all = new HashSet<>(a);
    all.addAll(b);
    assertThat(a.size() + b.size()).isEqualTo(signals);
    assertThat(all).hasSize(signals);
    // Whichever runner took a signal owns it: the other cannot complete it.
    JooqSignalSource owner = a.isEmpty() ? runnerB : runnerA;
    JooqSignalSource other = a.isEmpty() ? runnerA : runnerB;
    long taken = a.isEmpty() ? b.getFirst() : a.getFirst();
    try {
      other.complete(taken, SignalOutcome.OPENED, "not mine");
      throw new AssertionError("a runner completed a signal the other one claimed");
    } catch (RejectedException e) {
      assertThat(e.code()).isEqualTo("NOT_CLAIMED");
    }
    owner.complete(taken, SignalOutcome.OPENED, "position 1");
  }

  private static Callable<List<Long>> claimAll(JooqSignalSource source, CountDownLatch start) {
    return () -> {
      start.await();
      List<Long> mine = new ArrayList<>();
      while (true) {
        List<Signal> got = source.claim(5);
        if (got.isEmpty()) {
          return mine;
        }
        got.forEach(s -> mine.add(s.id()));
      }
    };
  }
}
