package io.positionkeeper.domain.sim;

import io.positionkeeper.domain.sim.SimConfig.FaultClass;
import java.util.Optional;

/**
 * Makes a failing history shorter: first the same history cut right after its violation, then the
 * same seed with each fault class switched off in turn, keeping every change that still breaks the
 * same invariant, and the shortest such history.
 */
final class Shrinker {
  private Shrinker() {}

  /** A failing history, as short as shrinking made it, with what it printed. */
  record Finding(SimConfig original, SimConfig shrunk, Violation violation, History history) {

    String report() {
      return "VIOLATION "
          + violation
          + "\n  found with "
          + original
          + "\n  shrunk to "
          + shrunk
          + "\n  replay: "
          + shrunk.replayCommand()
          + "\n  history (last lines):\n"
          + history.tail(60);
    }
  }

  static Finding shrink(SimConfig config, Violation first) {
    SimConfig best = config.withSteps(first.step() + 1);
    Run bestRun = run(best).orElseThrow(() -> notReproduced(config));
    for (FaultClass fault : FaultClass.values()) {
      if (!best.enabled(fault)) {
        continue;
      }
      SimConfig fewer = best.without(fault);
      Optional<Run> attempt = run(fewer);
      if (attempt.isPresent() && attempt.get().violation().kind() == first.kind()) {
        best = fewer.withSteps(attempt.get().violation().step() + 1);
        bestRun = attempt.get();
      }
    }
    return new Finding(config, best, bestRun.violation(), bestRun.history());
  }

  private record Run(Violation violation, History history) {}

  private static Optional<Run> run(SimConfig config) {
    Simulation sim = new Simulation(config);
    return sim.run().map(v -> new Run(v, sim.history()));
  }

  private static IllegalStateException notReproduced(SimConfig config) {
    return new IllegalStateException(
        "the history " + config + " did not fail again: the simulation is not deterministic");
  }
}
