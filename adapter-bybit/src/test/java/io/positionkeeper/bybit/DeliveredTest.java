package io.positionkeeper.bybit;

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

class DeliveredTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Instant T = Instant.parse("2026-12-05T08:00:00Z");

  private final Delivered delivered = new Delivered(16);

  @Test
  void aPosition_isDeliveredWhenItChanges_whatever_itsScale() {
    assertThat(delivered.admit(position("0.010", "64000", T))).isTrue();
    assertThat(delivered.admit(position("0.0100", "64000.0", T.plusSeconds(1)))).isFalse();
    assertThat(delivered.admit(position("0.020", "64000", T.plusSeconds(2)))).isTrue();
  }

  @Test
  void aResyncAnswerTakenBeforeTheLastLiveUpdate_doesNotOverwriteIt() {
    delivered.admit(position("0.020", "64000", T.plusSeconds(5)));

    assertThat(delivered.admitResync(position("0.010", "64000", T.plusSeconds(4)))).isFalse();
    assertThat(delivered.admitResync(position("0", "0", T.plusSeconds(6)))).isTrue();
  }

  @Test
  void anOrder_isDeliveredOncePerStateAndFill_andNeverGoesBack() {
    assertThat(delivered.admit(order(OrderStatus.NEW, "0"))).isTrue();
    assertThat(delivered.admit(order(OrderStatus.PARTIALLY_FILLED, "0.005"))).isTrue();
    assertThat(delivered.admit(order(OrderStatus.PARTIALLY_FILLED, "0.0050"))).isFalse();
    assertThat(delivered.admit(order(OrderStatus.FILLED, "0.010"))).isTrue();
    assertThat(delivered.admit(order(OrderStatus.PARTIALLY_FILLED, "0.005"))).isFalse();
    assertThat(delivered.admit(order(OrderStatus.NEW, "0.010"))).isFalse();
  }

  @Test
  void aStop_isDeliveredWhenItMovesOrChangesState() {
    assertThat(delivered.admit(stop("sl-1", StopStatus.WORKING, "63000"))).isTrue();
    assertThat(delivered.admit(stop("sl-1", StopStatus.WORKING, "63000.0"))).isFalse();
    assertThat(delivered.admit(stop("sl-1", StopStatus.WORKING, "63500"))).isTrue();
    assertThat(delivered.admit(stop("sl-2", StopStatus.WORKING, "63500"))).isTrue();
    assertThat(delivered.admit(stop("sl-2", StopStatus.TRIGGERED, "63500"))).isTrue();
  }

  private static StreamEvent.PositionChanged position(String size, String entry, Instant t) {
    return new StreamEvent.PositionChanged(BTC, new BigDecimal(size), new BigDecimal(entry), t);
  }

  private static StreamEvent.OrderChanged order(OrderStatus status, String filled) {
    return new StreamEvent.OrderChanged(
        BTC,
        Optional.of(ClientOrderId.of("o-1")),
        ExchangeOrderId.of("x-1"),
        Side.BUY,
        status,
        BigDecimal.ZERO,
        BigDecimal.ZERO,
        new BigDecimal(filled),
        new BigDecimal("64000"),
        BigDecimal.ZERO,
        false,
        T);
  }

  private static StreamEvent.StopChanged stop(String id, StopStatus status, String trigger) {
    return new StreamEvent.StopChanged(
        BTC,
        ClientOrderId.of(id),
        status,
        new BigDecimal(trigger),
        BigDecimal.ZERO,
        BigDecimal.ZERO,
        T);
  }
}
