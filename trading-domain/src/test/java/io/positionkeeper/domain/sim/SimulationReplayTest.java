package io.positionkeeper.domain.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Replays one history named on the command line ({@code -Dsim.seed=.. -Dsim.steps=..}); without a
 * seed it replays seed 1, so the class always runs and is never skipped.
 */
class SimulationReplayTest {

  @Test
  void theNamedHistoryKeepsEveryInvariant() {
    long seed = Long.getLong("sim.seed", 1L);
    int steps = Integer.getInteger("sim.steps", 1_000);
    Simulation sim = new Simulation(seed);
    Optional<Violation> v = sim.run(steps);
    v.ifPresent(found -> sim.history().forEach(System.out::println));
    assertThat(v).as("violation of seed %d", seed).isEmpty();
  }
}
