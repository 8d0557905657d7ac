package io.positionkeeper.domain.trailing;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.PositionSide;
import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Binance's TRAILING_STOP_MARKET rule, as a table. In Binance's words, a SELL triggers once "the
 * latest price {@code <=} the highest price * (1 - callbackRate)", a BUY once "the latest price
 * {@code >=} the lowest price * (1 + callbackRate)"; the callback rate is a percent (1 means 1 %).
 */
class TrailingRuleTest {

  @ParameterizedTest(name = "{0} peak {1} cb {2}% at {3}: triggers={4}")
  @CsvSource({
    // side, peak, callback %, price, triggers
    "LONG, 100, 1, 99.01, false",
    "LONG, 100, 1, 99, true", // exactly highest × (1 − 1 %)
    "LONG, 100, 1, 98.5, true",
    "SHORT, 100, 1, 100.99, false",
    "SHORT, 100, 1, 101, true", // exactly lowest × (1 + 1 %)
    "SHORT, 100, 0.1, 100.1, true",
    "LONG, 64000, 0.5, 63680.01, false",
    "LONG, 64000, 0.5, 63680, true"
  })
  void triggersExactlyAtThePeakTimesTheCallback(
      PositionSide side, String peak, String callback, String price, boolean triggers) {
    BigDecimal level =
        TrailingRule.triggerLevel(side, new BigDecimal(peak), new BigDecimal(callback));

    assertThat(TrailingRule.triggers(side, new BigDecimal(price), level)).isEqualTo(triggers);
  }

  @ParameterizedTest(name = "{0} entry {1} +{2}% -> {3}")
  @CsvSource({
    "LONG, 100, 1.5, 101.5",
    "SHORT, 100, 1.5, 98.5",
    "LONG, 0.03245, 2, 0.033099",
    "LONG, 100, 0, 100"
  })
  void activationPrice_isThePercentFromTheEntry(
      PositionSide side, String entry, String pct, String expected) {
    assertThat(TrailingRule.activationPrice(side, new BigDecimal(entry), new BigDecimal(pct)))
        .isEqualByComparingTo(expected);
  }

  @ParameterizedTest(name = "{0}: peak {1} activation {2} -> {3}")
  @CsvSource({
    "LONG, 101.49, 101.5, false",
    "LONG, 101.5, 101.5, true",
    "SHORT, 98.51, 98.5, false",
    "SHORT, 98.5, 98.5, true"
  })
  void activation_happensWhenThePeakReachesTheActivationPrice(
      PositionSide side, String peak, String activation, boolean reached) {
    assertThat(
            TrailingRule.reachedActivation(side, new BigDecimal(peak), new BigDecimal(activation)))
        .isEqualTo(reached);
  }
}
