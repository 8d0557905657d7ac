package io.positionkeeper.binance.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopStatus;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortMapperTest {

  @ParameterizedTest
  @CsvSource({
    "NEW,NEW",
    "PARTIALLY_FILLED,PARTIALLY_FILLED",
    "FILLED,FILLED",
    "CANCELED,CANCELED",
    "EXPIRED,EXPIRED",
    "EXPIRED_IN_MATCH,EXPIRED",
    "REJECTED,REJECTED",
    "NEW_INSURANCE,NEW",
    "NEW_ADL,NEW"
  })
  void orderStatuses(String wire, OrderStatus port) {
    assertThat(PortMapper.orderStatus(wire)).isEqualTo(port);
  }

  @ParameterizedTest
  @CsvSource({
    "NEW,0,WORKING",
    "TRIGGERING,0,TRIGGERED",
    "TRIGGERED,0,TRIGGERED",
    "FINISHED,38,FILLED",
    "FINISHED,0,CANCELED",
    "CANCELED,0,CANCELED",
    "REJECTED,0,REJECTED",
    "EXPIRED,0,EXPIRED"
  })
  void algoStatuses_finishedIsFilledOnlyWithAnExecutedQuantity(
      String wire, String aq, StopStatus port) {
    assertThat(PortMapper.stopStatus(wire, new BigDecimal(aq))).isEqualTo(port);
  }

  @Test
  void unknownEnumValues_areErrors_neverGuesses() {
    assertThatThrownBy(() -> PortMapper.orderStatus("PENDING_NEW"))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("PENDING_NEW");
    assertThatThrownBy(() -> PortMapper.stopStatus("PAUSED", BigDecimal.ZERO))
        .isInstanceOf(WireFormatException.class);
    assertThatThrownBy(() -> PortMapper.side("HOLD")).isInstanceOf(WireFormatException.class);
  }

  @Test
  void aStopsPositionSide_isItsExitSidesOpposite_inOneWayMode() {
    assertThat(PortMapper.stopPositionSide("SELL", "BOTH")).isEqualTo(PositionSide.LONG);
    assertThat(PortMapper.stopPositionSide("BUY", "BOTH")).isEqualTo(PositionSide.SHORT);
    assertThat(PortMapper.stopPositionSide("SELL", "SHORT")).isEqualTo(PositionSide.SHORT);
  }

  @Test
  void clientIdsThePortCannotCarry_becomeAbsent_notAnError() {
    assertThat(PortMapper.clientOrderId("autoclose-1700000000")).isPresent();
    assertThat(PortMapper.clientOrderId("")).isEmpty();
    assertThat(PortMapper.clientOrderId("web_" + "x".repeat(40))).isEmpty();
  }

  @Test
  void aValueThePortRefuses_becomesAWireFormatErrorNamingTheRecord() {
    var order =
        new Wire.Order(
            "BTCUSDT",
            1,
            "a",
            "BUY",
            "BOTH",
            "FILLED",
            "MARKET",
            new BigDecimal("-1"),
            BigDecimal.ONE,
            BigDecimal.ONE,
            false,
            false,
            0);

    assertThatThrownBy(() -> PortMapper.orderReport(order))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("order 1")
        .hasMessageContaining("quantity");
  }
}
