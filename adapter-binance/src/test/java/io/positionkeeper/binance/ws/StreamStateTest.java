package io.positionkeeper.binance.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamStateTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  private final StreamState state = new StreamState(64);

  private static StreamEvent.OrderChanged order(OrderStatus status, String filled, long t) {
    return new StreamEvent.OrderChanged(
        BTC,
        Optional.of(ClientOrderId.of("c1")),
        ExchangeOrderId.of(8389766058155948588L),
        Side.BUY,
        status,
        new BigDecimal(filled),
        BigDecimal.TEN,
        new BigDecimal(filled),
        BigDecimal.TEN,
        BigDecimal.ZERO,
        false,
        T0.plusMillis(t));
  }

  private static StreamEvent.StopChanged stop(StopStatus status, String filled) {
    return new StreamEvent.StopChanged(
        BTC,
        ClientOrderId.of("sl"),
        status,
        new BigDecimal("49000"),
        new BigDecimal(filled),
        BigDecimal.ZERO,
        T0);
  }

  private static StreamEvent.PositionChanged position(String size, long t) {
    return new StreamEvent.PositionChanged(
        BTC, new BigDecimal(size), BigDecimal.TEN, T0.plusMillis(t));
  }

  @Test
  void aRepeatedOrderEvent_isAdmittedOnce() {
    assertThat(state.admit(order(OrderStatus.NEW, "0", 1))).isTrue();
    assertThat(state.admit(order(OrderStatus.NEW, "0", 1))).isFalse();
    assertThat(state.admit(order(OrderStatus.FILLED, "0.010", 2))).isTrue();
    assertThat(state.admit(order(OrderStatus.FILLED, "0.0100", 2))).isFalse();
  }

  @Test
  void anOlderViewOfAnOrder_isDropped() {
    state.admit(order(OrderStatus.PARTIALLY_FILLED, "0.005", 2));
    assertThat(state.admit(order(OrderStatus.PARTIALLY_FILLED, "0.002", 1))).isFalse();
    state.admit(order(OrderStatus.FILLED, "0.010", 3));
    assertThat(state.admit(order(OrderStatus.NEW, "0", 4))).isFalse();
    assertThat(state.openOrders()).isEmpty();
  }

  @Test
  void openOrders_areRemembered_untilFinal() {
    state.admit(order(OrderStatus.PARTIALLY_FILLED, "0.005", 1));
    assertThat(state.openOrders())
        .singleElement()
        .satisfies(o -> assertThat(o.filledQuantity()).isEqualByComparingTo("0.005"));
  }

  @Test
  void stops_areRemembered_whileLive_andAStaleWorkingViewIsDropped() {
    assertThat(state.admit(stop(StopStatus.WORKING, "0"))).isTrue();
    assertThat(state.admit(stop(StopStatus.WORKING, "0"))).isFalse();
    assertThat(state.liveStops()).hasSize(1);
    assertThat(state.admit(stop(StopStatus.TRIGGERED, "0"))).isTrue();
    assertThat(state.admit(stop(StopStatus.WORKING, "0"))).isFalse();
    assertThat(state.admit(stop(StopStatus.FILLED, "0.010"))).isTrue();
    assertThat(state.admit(stop(StopStatus.TRIGGERED, "0"))).isFalse();
    assertThat(state.liveStops()).isEmpty();
  }

  @Test
  void aPositionIsDeliveredOnChange_andAResyncOlderThanALiveUpdateLosesToIt() {
    assertThat(state.admit(position("0.010", 10))).isTrue();
    assertThat(state.admit(position("0.010", 11))).isFalse();
    assertThat(state.admitResyncPosition(position("0.005", 5))).isFalse();
    assertThat(state.admitResyncPosition(position("0.020", 12))).isTrue();
    assertThat(state.openPositionSymbols()).containsExactly(BTC);
    assertThat(state.admit(position("0", 13))).isTrue();
    assertThat(state.openPositionSymbols()).isEmpty();
  }

  @Test
  void markPrices_onlyMoveForwardInTime() {
    var first = new StreamEvent.MarkPriceChanged(BTC, BigDecimal.TEN, T0.plusMillis(2));
    assertThat(state.admit(first)).isTrue();
    assertThat(state.admit(first)).isFalse();
    assertThat(state.admit(new StreamEvent.MarkPriceChanged(BTC, BigDecimal.ONE, T0.plusMillis(1))))
        .isFalse();
    assertThat(state.admit(new StreamEvent.MarkPriceChanged(BTC, BigDecimal.ONE, T0.plusMillis(3))))
        .isTrue();
  }

  @Test
  void memoryIsBounded() {
    StreamState small = new StreamState(16);
    for (int i = 0; i < 1000; i++) {
      var o =
          new StreamEvent.OrderChanged(
              BTC,
              Optional.empty(),
              ExchangeOrderId.of(i + 1),
              Side.BUY,
              OrderStatus.FILLED,
              BigDecimal.ONE,
              BigDecimal.ONE,
              BigDecimal.ONE,
              BigDecimal.ONE,
              BigDecimal.ZERO,
              false,
              T0);
      assertThat(small.admit(o)).isTrue();
    }
    assertThat(small.openOrders()).isEmpty();
  }
}
