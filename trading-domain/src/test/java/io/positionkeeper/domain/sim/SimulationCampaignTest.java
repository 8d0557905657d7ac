package io.positionkeeper.domain.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.sim.SimConfig.FaultClass;
import io.positionkeeper.ports.fake.FakeExchange;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The simulator in every build: 1,000 seeds of 1,000 steps, odd seeds on the Binance flavour, even
 * ones on Bybit. Any violation fails the build and prints its shrunk history and the command that
 * replays it. The fault classes and violation kinds that still find open defects are off or
 * quarantined here, each with its reason in RELIABILITY.md; the soak ({@code -Psoak}) runs them
 * all. {@code -Dsim.ci.firstSeed}, {@code -Dsim.ci.seeds}, {@code -Dsim.ci.steps} and {@code
 * -Dsim.threads} change the size and the parallelism (results do not depend on the thread count);
 * {@code -Dsim.ci.off=NONE} runs every fault class, {@code -Dsim.ci.off=OUTAGE,..} the ones named
 * off.
 */
class SimulationCampaignTest {
  /** Fault classes whose findings are not yet fixed (RELIABILITY.md, "Open findings"). */
  static final EnumSet<FaultClass> OFF_IN_CI = EnumSet.noneOf(FaultClass.class);

  /** Violation kinds found and not yet fixed (RELIABILITY.md, "Open findings"). */
  static final EnumSet<Violation.Kind> QUARANTINED = EnumSet.noneOf(Violation.Kind.class);

  private static EnumSet<FaultClass> offClasses() {
    String named = System.getProperty("sim.ci.off", "").trim();
    if (named.isEmpty()) {
      return OFF_IN_CI;
    }
    EnumSet<FaultClass> off = EnumSet.noneOf(FaultClass.class);
    if (!named.equalsIgnoreCase("NONE")) {
      Arrays.stream(named.split(","))
          .map(c -> FaultClass.valueOf(c.trim().toUpperCase(Locale.ROOT)))
          .forEach(off::add);
    }
    return off;
  }

  @Test
  void aThousandHistories_onBothVenues_keepEveryInvariant() {
    int seeds = Integer.getInteger("sim.ci.seeds", 1_000);
    Campaign.Plan plan =
        new Campaign.Plan(
            Long.getLong("sim.ci.firstSeed", 1L),
            seeds,
            Integer.getInteger("sim.ci.steps", 1_000),
            List.of(FakeExchange.Flavour.BYBIT, FakeExchange.Flavour.BINANCE),
            offClasses(),
            QUARANTINED,
            Integer.getInteger("sim.threads", 2));
    Campaign.Result result = Campaign.run(plan);
    System.out.println("simulator CI: " + result.summary());
    // A green build prints little: the first few quarantined findings, one line each.
    result.quarantined().stream()
        .limit(3)
        .forEach(q -> System.out.println("  quarantined: " + q.lines().findFirst().orElse(q)));
    if (result.quarantined().size() > 3) {
      System.out.println("  ... " + (result.quarantined().size() - 3) + " more quarantined");
    }
    String report =
        result.findings().stream().map(Shrinker.Finding::report).collect(Collectors.joining("\n"));
    assertThat(result.findings()).as("simulator findings:%n%s", report).isEmpty();
    assertThat(result.histories()).isEqualTo(seeds);
  }
}
