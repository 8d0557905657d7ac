package io.positionkeeper.domain.sim;

/** An invariant broken at one step of one history. */
record Violation(Kind kind, long seed, int step, String detail) {

  /** What kind of promise was broken; findings are quarantined by kind. */
  enum Kind {
    /** I1: a venue position without exactly one working stop for longer than the window. */
    I1_STOP_COUNT,
    /** I2: more than one entry order reached the venue for one intent. */
    I2_DUPLICATE_ENTRY,
    /** I3: after a quiet reconciliation period, a venue position the book does not hold open. */
    I3_VENUE_POSITION_UNTRACKED,
    /** I3: after a quiet reconciliation period, an open row with no venue position. */
    I3_ROW_WITHOUT_POSITION,
    /** I3: after a quiet period, a row's side or size differs from the venue's. */
    I3_ROW_DIFFERS,
    /** I3: after a quiet period, a working stop on a symbol the venue holds flat. */
    I3_STRAY_STOP,
    /** A keeper operation threw to its caller instead of answering. */
    ESCAPED_EXCEPTION
  }

  String replayCommand(int steps) {
    return "mvn -pl trading-domain -am test -Dtest=SimulationReplayTest"
        + " -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed="
        + seed
        + " -Dsim.venue=binance -Dsim.steps="
        + steps;
  }

  @Override
  public String toString() {
    return kind + " at step " + step + " of seed " + seed + ": " + detail;
  }
}
