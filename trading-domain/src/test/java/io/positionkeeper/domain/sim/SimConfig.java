package io.positionkeeper.domain.sim;

import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.Exchange;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One history's settings: its seed, its length, the venue flavour and the fault classes switched
 * off (shrinking switches them off one by one). The same config gives the same history.
 */
record SimConfig(long seed, int steps, FakeExchange.Flavour flavour, Set<FaultClass> off) {

  /** What a history can do to the keeper, grouped so that shrinking can switch a group off. */
  enum FaultClass {
    /** Refusals, retryable errors, rate limits, outcomes unknown before or after the effect. */
    PORT,
    /** An order whose answer was lost and that lands on the venue a few seconds later. */
    LATE_ORDER,
    /** Store calls that fail, or whose commit is lost after the write. */
    STORE,
    /** Disconnects, dropped, held-and-reordered and delayed stream events. */
    STREAM,
    /**
     * The keeper's process restarted: all memory dropped, rebuilt from the stores and the venue.
     */
    RESTART,
    /** A trader on the venue's own screen: positions closed, stops cancelled by hand. */
    MANUAL,
    /**
     * A reconciliation that falls inside an opening (run by the clock while the opener waits, as
     * the periodic one does on a real keeper's timer thread).
     */
    INTERLEAVE,
    /**
     * The venue's order endpoint down for some steps: every market order (entry or close) refused
     * with a 503, without effect, starting after the next entry order went through.
     */
    OUTAGE,
    /**
     * A venue or store call that throws outside the ports' taxonomy (a driver or parser bug),
     * before its effect or after it.
     */
    UNEXPECTED
  }

  SimConfig {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, was " + steps);
    }
    off = off.isEmpty() ? EnumSet.noneOf(FaultClass.class) : EnumSet.copyOf(off);
  }

  /**
   * {@code off} and the classes added in session 6 (INTERLEAVE, OUTAGE, UNEXPECTED): a history
   * recorded before them, replayed event for event (they draw from a random source of their own).
   */
  static Set<FaultClass> withoutSession6(FaultClass... off) {
    Set<FaultClass> all =
        EnumSet.of(FaultClass.INTERLEAVE, FaultClass.OUTAGE, FaultClass.UNEXPECTED);
    all.addAll(Arrays.asList(off));
    return all;
  }

  static SimConfig of(long seed, int steps, FakeExchange.Flavour flavour) {
    return new SimConfig(seed, steps, flavour, EnumSet.noneOf(FaultClass.class));
  }

  /** The history named by {@code -Dsim.seed -Dsim.steps -Dsim.flavour -Dsim.off}. */
  static SimConfig fromSystemProperties(long defaultSeed, int defaultSteps) {
    Set<FaultClass> off = EnumSet.noneOf(FaultClass.class);
    String list = System.getProperty("sim.off", "").trim();
    if (!list.isEmpty()) {
      Arrays.stream(list.split(","))
          .map(s -> FaultClass.valueOf(s.trim().toUpperCase(Locale.ROOT)))
          .forEach(off::add);
    }
    return new SimConfig(
        Long.getLong("sim.seed", defaultSeed),
        Integer.getInteger("sim.steps", defaultSteps),
        FakeExchange.Flavour.valueOf(
            System.getProperty("sim.flavour", "BINANCE").trim().toUpperCase(Locale.ROOT)),
        off);
  }

  boolean enabled(FaultClass fault) {
    return !off.contains(fault);
  }

  SimConfig withSteps(int n) {
    return new SimConfig(seed, n, flavour, off);
  }

  SimConfig without(FaultClass fault) {
    Set<FaultClass> more = EnumSet.noneOf(FaultClass.class);
    more.addAll(off);
    more.add(fault);
    return new SimConfig(seed, steps, flavour, more);
  }

  /** The venue the keeper is told it trades on. */
  Exchange exchange() {
    return switch (flavour) {
      case BYBIT -> Exchange.BYBIT;
      case BINANCE, CLASSIC -> Exchange.BINANCE;
    };
  }

  /** The one command line that replays this history. */
  String replayCommand() {
    String offList =
        off.isEmpty()
            ? ""
            : " -Dsim.off=" + off.stream().map(Enum::name).collect(Collectors.joining(","));
    return "mvn -B -ntp -pl trading-domain -am test -Dtest=SimulationReplayTest"
        + " -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed="
        + seed
        + " -Dsim.steps="
        + steps
        + " -Dsim.flavour="
        + flavour
        + offList;
  }

  @Override
  public String toString() {
    return "seed "
        + seed
        + ", "
        + steps
        + " steps, "
        + flavour
        + (off.isEmpty() ? "" : ", off " + off);
  }
}
