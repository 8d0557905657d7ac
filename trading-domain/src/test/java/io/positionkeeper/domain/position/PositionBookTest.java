package io.positionkeeper.domain.position;

import static io.positionkeeper.domain.Harness.BTC;
import static io.positionkeeper.domain.Harness.SKL;
import static io.positionkeeper.domain.Harness.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PositionBookTest {
  private final Harness h = new Harness();
  private final Instant t = Instant.parse("2025-10-28T22:34:12.246Z");

  /**
   * SKLUSDT in the bot this project replaces (2025-10-28): the WebSocket reported amount=308 1 ms
   * after the order and before the REST answer, and the update was lost because the position was
   * registered only after the order. The pending position takes it in memory, and nothing is
   * written to the store.
   */
  @Test
  void givenPendingPosition_wsFillBeforeOrderResponse_updatesQuantityInMemory_withoutStoreWrite() {
    h.book.preRegister(key(SKL), PositionSide.LONG, ClientOrderId.of("pko-skl"));

    h.stream.onEvent(
        new StreamEvent.PositionChanged(SKL, new BigDecimal("308"), new BigDecimal("0.03245"), t));
    h.stream.onEvent(
        new StreamEvent.MarkPriceChanged(SKL, new BigDecimal("0.03250"), t.plusSeconds(1)));

    Position p = h.book.get(key(SKL)).orElseThrow();
    assertThat(p.id()).isInstanceOf(PositionId.Pending.class);
    assertThat(p.quantity()).isEqualByComparingTo("308");
    assertThat(p.entryPrice()).isEqualByComparingTo("0.03245");
    assertThat(p.markPrice())
        .hasValueSatisfying(m -> assertThat(m).isEqualByComparingTo("0.03250"));
    assertThat(h.store.writes()).isEmpty();
    assertThat(h.journal.records()).isEmpty();
  }

  @Test
  void givenActivePosition_streamUpdate_isPersistedWithItsEvent() {
    var pending = h.book.preRegister(key(BTC), PositionSide.LONG, ClientOrderId.of("pko-btc"));
    h.book.promote(pending, 7, new BigDecimal("0.01"), new BigDecimal("64000"));

    var update =
        h.book.apply(
            Exchange.BINANCE,
            new StreamEvent.PositionChanged(
                BTC, new BigDecimal("0.02"), new BigDecimal("64100"), t));

    assertThat(update)
        .isEqualTo(new BookUpdate.ActiveChanged(h.book.get(key(BTC)).orElseThrow(), 7));
  }

  @Test
  void trackerPersists_anActivePositionsChange_underItsDatabaseId() {
    long id =
        h.store.insert(
            io.positionkeeper.ports.contract.ContractData.newPosition(BTC, PositionSide.LONG),
            io.positionkeeper.ports.contract.ContractData.event("POSITION_CREATED"));
    var pending = h.book.preRegister(key(BTC), PositionSide.LONG, ClientOrderId.of("pko-btc"));
    h.book.promote(pending, id, new BigDecimal("0.01"), new BigDecimal("64000"));

    h.stream.onEvent(
        new StreamEvent.PositionChanged(BTC, new BigDecimal("0.02"), new BigDecimal("64100"), t));

    assertThat(h.store.writes())
        .contains(new InMemoryPositionStore.Write(InMemoryPositionStore.Op.UPDATE_POSITION, id));
    assertThat(h.store.find(id).orElseThrow().quantity()).isEqualByComparingTo("0.02");
  }

  @Test
  void aSecondRegistration_onTheSameSymbol_isRefused() {
    h.book.preRegister(key(BTC), PositionSide.LONG, ClientOrderId.of("pko-1"));

    assertThatThrownBy(
            () -> h.book.preRegister(key(BTC), PositionSide.SHORT, ClientOrderId.of("pko-2")))
        .isInstanceOf(PositionAlreadyOpenException.class)
        .hasMessageContaining("BINANCE:BTCUSDT");
  }

  @Test
  void aMarkPriceTick_touchesOnlyItsSymbol() {
    h.book.preRegister(key(BTC), PositionSide.LONG, ClientOrderId.of("pko-1"));
    h.book.preRegister(key(SKL), PositionSide.LONG, ClientOrderId.of("pko-2"));

    h.book.apply(
        Exchange.BINANCE, new StreamEvent.MarkPriceChanged(BTC, new BigDecimal("65000"), t));

    assertThat(h.book.get(key(BTC)).orElseThrow().markPrice()).isPresent();
    assertThat(h.book.get(key(SKL)).orElseThrow().markPrice()).isEmpty();
  }

  @Test
  void promote_keepsTheSizeTheStreamReported_overTheVerifiedOne() {
    var pending = h.book.preRegister(key(BTC), PositionSide.LONG, ClientOrderId.of("pko-1"));
    h.book.apply(
        Exchange.BINANCE,
        new StreamEvent.PositionChanged(BTC, new BigDecimal("0.03"), new BigDecimal("64010"), t));

    Position active = h.book.promote(pending, 9, new BigDecimal("0.01"), new BigDecimal("64000"));

    assertThat(active.id()).isEqualTo(new PositionId.Db(9, "pko-1"));
    assertThat(active.quantity()).isEqualByComparingTo("0.03");
  }

  @Test
  void promote_ofARegistrationThatWasReplaced_fails() {
    var first = h.book.preRegister(key(BTC), PositionSide.LONG, ClientOrderId.of("pko-1"));
    h.book.remove(key(BTC), first.id());
    h.book.preRegister(key(BTC), PositionSide.LONG, ClientOrderId.of("pko-1"));

    assertThatThrownBy(() -> h.book.promote(first, 9, BigDecimal.ONE, BigDecimal.ONE))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void concurrentRegistrations_ofOneSymbol_haveExactlyOneWinner() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int n = i;
      results.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  h.book.preRegister(key(BTC), PositionSide.LONG, ClientOrderId.of("pko-" + n));
                  return true;
                } catch (PositionAlreadyOpenException e) {
                  return false;
                }
              }));
    }
    start.countDown();
    int winners = 0;
    for (var r : results) {
      winners += r.get(30, TimeUnit.SECONDS) ? 1 : 0;
    }
    pool.shutdown();

    assertThat(winners).isEqualTo(1);
    assertThat(h.book.size()).isEqualTo(1);
  }
}
