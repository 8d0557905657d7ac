package io.positionkeeper.domain.sim;

/** An invariant broken at one step of one history. */
record Violation(Kind kind, int step, String detail) {

  /** Which promise was broken. */
  enum Kind {
    /** I1: a venue position without exactly one working stop for longer than its window. */
    I1_STOP_COUNT,
    /** I2: more than one entry order reached the venue for one intent. */
    I2_DUPLICATE_ENTRY,
    /** I3: after a quiet reconciliation period, a venue position the book does not hold open. */
    I3_VENUE_POSITION_UNTRACKED,
    /** I3: after a quiet reconciliation period, an open row with no venue position. */
    I3_ROW_WITHOUT_POSITION,
    /** I3: after a quiet period, a row's side, size or stop differs from the venue's. */
    I3_ROW_DIFFERS,
    /** I3: after a quiet period, a working stop on a symbol the venue holds flat. */
    I3_STRAY_STOP,
    /** I3: after a quiet period, a pending registration or a write still owed. */
    I3_PENDING_LEFT,
    /** I4: an emitted audit event missing from the trail, or there twice. */
    I4_EVENT_NOT_ONCE,
    /** I4: an event about a stored position recorded without its id. */
    I4_PENDING_ID,
    /** I4: a closed row's exit price or reason differs from the venue's fills. */
    I4_INVENTED_EXIT,
    /** I5: the working stop of an open position loosened. */
    I5_STOP_LOOSENED,
    /**
     * I5: after a quiet period, the venue's stop of an active trailing stop lags the level the
     * trailing rule gives for the peak the keeper holds by more than one minimum move.
     */
    I5_STOP_BEHIND_RULE,
    /** I6: memory or a queue grew past its bound. */
    I6_UNBOUNDED,
    /** A keeper operation threw to its caller instead of answering. */
    ESCAPED_EXCEPTION
  }

  @Override
  public String toString() {
    return kind + " at step " + step + ": " + detail;
  }
}
