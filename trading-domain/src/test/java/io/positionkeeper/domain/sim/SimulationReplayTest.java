package io.positionkeeper.domain.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Replays one history named on the command line ({@code -Dsim.seed=.. -Dsim.steps=..
 * -Dsim.flavour=BINANCE|BYBIT -Dsim.off=PORT,STREAM,..}), printing every step of it when it fails;
 * without properties it replays seed 1 on Binance, so the class always runs and is never skipped.
 */
class SimulationReplayTest {

  @Test
  void theNamedHistoryKeepsEveryInvariant() {
    SimConfig config = SimConfig.fromSystemProperties(1L, 1_000);
    Simulation sim = new Simulation(config);
    Optional<Violation> v = sim.run();
    v.ifPresent(
        found -> {
          System.out.println("history of " + config + ":");
          sim.history().lines().forEach(line -> System.out.println("  " + line));
          System.out.println(found);
        });
    assertThat(v).as("violation of %s", config).isEmpty();
  }
}
