package io.positionkeeper.domain.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The soak lists every violation it found as its kind, step and replay properties. */
class SoakHeadlineTest {

  @Test
  void aViolationIsListedByItsKindStepAndReplayProperties_withoutTheStateItPrinted() {
    String violation =
        "I1_STOP_COUNT at step 2577: SKLUSDT SHORT open with 0 working stops (window PT15S)"
            + " (mvn -B -ntp -pl trading-domain -am test -Dtest=SimulationReplayTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=1000052 -Dsim.steps=2578"
            + " -Dsim.flavour=BYBIT)";

    assertThat(SimulationSoak.headline(violation))
        .isEqualTo(
            "`I1_STOP_COUNT at step 2577`: `-Dsim.seed=1000052 -Dsim.steps=2578"
                + " -Dsim.flavour=BYBIT`");
  }
}
