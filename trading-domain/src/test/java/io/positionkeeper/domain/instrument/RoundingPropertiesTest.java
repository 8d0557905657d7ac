package io.positionkeeper.domain.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Rounding never trades more than asked and never moves a stop to where it risks more. */
class RoundingPropertiesTest {

  record Case(Instrument instrument, BigDecimal value) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Integer> tickExp = Arbitraries.integers().between(-8, 1);
    Arbitrary<Integer> tickMantissa = Arbitraries.of(1, 2, 5, 25);
    Arbitrary<Integer> stepExp = Arbitraries.integers().between(-6, 2);
    Arbitrary<BigDecimal> values =
        Arbitraries.bigDecimals()
            .between(new BigDecimal("0.00000001"), new BigDecimal("1000000"))
            .ofScale(10);
    return Combinators.combine(tickExp, tickMantissa, stepExp, values)
        .as(
            (te, tm, se, v) -> {
              BigDecimal tick = BigDecimal.valueOf(tm).scaleByPowerOfTen(te);
              BigDecimal step = BigDecimal.ONE.scaleByPowerOfTen(se);
              var rules =
                  new InstrumentRules(
                      Symbol.of("TESTUSDT"),
                      tick,
                      step,
                      BigDecimal.ZERO,
                      new BigDecimal("1e12"),
                      BigDecimal.ZERO);
              return new Case(new Instrument(rules), v);
            });
  }

  @Property(tries = 2000)
  void aRoundedQuantity_neverExceedsTheRequest_andIsAWholeNumberOfSteps(@ForAll("cases") Case c) {
    BigDecimal step = c.instrument().rules().stepSize();

    BigDecimal rounded = c.instrument().roundDownToStep(c.value());

    assertThat(rounded).isLessThanOrEqualTo(c.value());
    assertThat(c.value().subtract(rounded)).isLessThan(step);
    assertThat(rounded.remainder(step)).isEqualByComparingTo(BigDecimal.ZERO);
  }

  @Property(tries = 2000)
  void aRoundedStop_isNeverOnTheLosingSideOfTheRequestedOne(
      @ForAll("cases") Case c, @ForAll PositionSide side) {
    BigDecimal tick = c.instrument().rules().tickSize();
    BigDecimal requested = c.value();

    BigDecimal rounded = c.instrument().roundStop(side, requested).value();

    switch (side) {
      case LONG -> {
        // A long's stop sells below the market: a lower stop loses more, so never lower.
        assertThat(rounded).isGreaterThanOrEqualTo(requested);
        assertThat(rounded.subtract(requested)).isLessThan(tick);
      }
      case SHORT -> {
        // A short's stop buys above the market: a higher stop loses more, so never higher,
        // except that no price can be below one tick.
        if (requested.compareTo(tick) >= 0) {
          assertThat(rounded).isLessThanOrEqualTo(requested);
          assertThat(requested.subtract(rounded)).isLessThan(tick);
        } else {
          assertThat(rounded).isEqualByComparingTo(tick);
        }
      }
    }
    assertThat(rounded.remainder(tick)).isEqualByComparingTo(BigDecimal.ZERO);
  }
}
