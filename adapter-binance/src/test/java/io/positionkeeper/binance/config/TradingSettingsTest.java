package io.positionkeeper.binance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.binance.config.TradingSettings.MarginType;
import io.positionkeeper.binance.config.TradingSettings.SymbolSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TradingSettingsTest {

  @Test
  void defaults_sendUnprotectedStops_andProveAbsenceWith3QueriesOver10Seconds() {
    TradingSettings d = TradingSettings.defaults();

    assertThat(d.priceProtect()).isFalse();
    assertThat(d.symbols()).isEmpty();
    assertThat(d.absenceQueries()).isEqualTo(3);
    assertThat(d.absenceWindow()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void leverageOutsideTheVenuesRange_andAnEmptyAbsenceProof_areRefusedWithTheReason() {
    assertThatThrownBy(() -> new SymbolSettings(0, MarginType.CROSSED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1..125");
    assertThatThrownBy(() -> new SymbolSettings(126, MarginType.ISOLATED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("126");
    assertThatThrownBy(() -> TradingSettings.defaults().withAbsenceProof(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absenceQueries");
    assertThatThrownBy(() -> TradingSettings.defaults().withAbsenceProof(1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absenceWindow");
  }
}
