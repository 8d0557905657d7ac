package io.positionkeeper.domain.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.domain.Harness;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class InstrumentTest {
  private final Instrument btc =
      new Instrument(Harness.rules(Harness.BTC, "0.10", "0.001", "0.001", "120", "100"));

  @Test
  void aQuoteSize_becomesAQuantityRoundedDownToTheStep() {
    Quantity q = btc.quantityFor(new BigDecimal("1000"), SizeUnit.QUOTE, Price.of("64000"));

    assertThat(q.value()).isEqualByComparingTo("0.015");
  }

  @Test
  void aSizeThatRoundsToZero_isRefusedSayingSo() {
    assertThatThrownBy(
            () -> btc.quantityFor(new BigDecimal("0.0004"), SizeUnit.BASE, Price.of("64000")))
        .isInstanceOf(SizeRejectedException.class)
        .hasMessageContaining("rounds to zero");
  }

  @Test
  void aSizeBelowTheMinimumNotional_isRefusedNamingTheMinimum() {
    assertThatThrownBy(
            () -> btc.quantityFor(new BigDecimal("90"), SizeUnit.QUOTE, Price.of("64000")))
        .isInstanceOf(SizeRejectedException.class)
        .hasMessageContaining("below the minimum notional 100");
  }

  @Test
  void aSizeAboveTheMarketMaximum_isRefused() {
    assertThatThrownBy(
            () -> btc.quantityFor(new BigDecimal("121"), SizeUnit.BASE, Price.of("64000")))
        .isInstanceOf(SizeRejectedException.class)
        .hasMessageContaining("above the maximum");
  }

  @Test
  void stopLoss_ofALong_roundsUp_andOfAShort_roundsDown() {
    assertThat(
            btc.stopLossFor(PositionSide.LONG, Price.of("64000.05"), new BigDecimal("2")).value())
        .isEqualByComparingTo("62720.1"); // 62720.049 -> up
    assertThat(
            btc.stopLossFor(PositionSide.SHORT, Price.of("64000.05"), new BigDecimal("2")).value())
        .isEqualByComparingTo("65280"); // 65280.051 -> down
  }
}
