package io.positionkeeper.domain.sim;

import io.positionkeeper.domain.sim.SimConfig.FaultClass;
import io.positionkeeper.ports.fake.FakeExchange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs many histories on a few threads (each history is independent and single-threaded, so the
 * result does not depend on the thread count). Seeds alternate between the flavours: odd seeds on
 * the first, even seeds on the second. A finding of a quarantined kind (each with its reason in
 * RELIABILITY.md) is counted and listed but not shrunk; every other one is shrunk.
 */
final class Campaign {

  /** What to run. */
  record Plan(
      long firstSeed,
      int seeds,
      int steps,
      List<FakeExchange.Flavour> flavours,
      Set<FaultClass> off,
      Set<Violation.Kind> quarantined,
      int threads) {

    SimConfig config(long seed) {
      FakeExchange.Flavour flavour =
          flavours.get((int) Math.floorMod(seed, (long) flavours.size()));
      return new SimConfig(
          seed, steps, flavour, off.isEmpty() ? EnumSet.noneOf(FaultClass.class) : off);
    }
  }

  /** The figures of a campaign and what it found. */
  record Result(
      int histories,
      long steps,
      int restarts,
      Duration elapsed,
      List<Shrinker.Finding> findings,
      List<String> quarantined) {

    double stepsPerSecond() {
      return steps / Math.max(0.001, elapsed.toNanos() / 1e9);
    }

    double historiesPerMinute() {
      return histories / Math.max(0.001, elapsed.toNanos() / 60e9);
    }

    String summary() {
      return String.format(
          "%d histories, %d steps, %d restarts, %d violations, %d quarantined, in %.1f s (%.0f"
              + " steps/s, %.0f histories/min)",
          histories,
          steps,
          restarts,
          findings.size(),
          quarantined.size(),
          elapsed.toNanos() / 1e9,
          stepsPerSecond(),
          historiesPerMinute());
    }
  }

  private record One(
      long steps, int restarts, Optional<Shrinker.Finding> finding, Optional<String> quarantined) {}

  static Result run(Plan plan) {
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(plan.threads());
    try {
      List<Future<One>> runs = new ArrayList<>();
      for (long seed = plan.firstSeed(); seed < plan.firstSeed() + plan.seeds(); seed++) {
        SimConfig config = plan.config(seed);
        runs.add(pool.submit(() -> one(config, plan.quarantined())));
      }
      long total = 0;
      int restarts = 0;
      List<Shrinker.Finding> findings = new ArrayList<>();
      List<String> quarantined = new ArrayList<>();
      for (Future<One> f : runs) {
        One one = f.get();
        total += one.steps();
        restarts += one.restarts();
        one.finding().ifPresent(findings::add);
        one.quarantined().ifPresent(quarantined::add);
      }
      return new Result(
          runs.size(),
          total,
          restarts,
          Duration.ofNanos(System.nanoTime() - started),
          findings,
          quarantined);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("campaign interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a history crashed the simulator", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static One one(SimConfig config, Set<Violation.Kind> quarantined) {
    Simulation sim = new Simulation(config);
    Optional<Violation> v = sim.run();
    long steps = v.map(x -> (long) x.step() + 1).orElse((long) config.steps());
    if (v.isPresent() && quarantined.contains(v.get().kind())) {
      return new One(
          steps,
          sim.restarts(),
          Optional.empty(),
          Optional.of(v.get() + " (" + config.withSteps(v.get().step() + 1).replayCommand() + ")"));
    }
    return new One(
        steps, sim.restarts(), v.map(found -> Shrinker.shrink(config, found)), Optional.empty());
  }
}
