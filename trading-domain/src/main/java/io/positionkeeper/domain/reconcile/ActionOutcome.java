package io.positionkeeper.domain.reconcile;

import java.util.Objects;

/**
 * What became of one action: planned (dry run), applied, skipped, failed, or deferred, and the
 * details.
 */
public record ActionOutcome(ReconcileAction action, Status status, String detail) {

  public enum Status {
    /** A dry run: decided, not applied. */
    PLANNED,
    APPLIED,
    /** Nothing to do any more (the state changed since it was read), or already reported. */
    SKIPPED,
    /** It could not be done; the detail says why and what was done instead. */
    FAILED,
    /**
     * Left to another caller of the keeper doing it right now (a close being sent): nothing was
     * wrong with the venue, and what the run was owed stays owed until a later run, soon after that
     * caller is done, finds the position settled one way or the other.
     */
    DEFERRED
  }

  public ActionOutcome {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
  }

  static ActionOutcome applied(ReconcileAction action, String detail) {
    return new ActionOutcome(action, Status.APPLIED, detail);
  }

  static ActionOutcome skipped(ReconcileAction action, String detail) {
    return new ActionOutcome(action, Status.SKIPPED, detail);
  }

  static ActionOutcome deferred(ReconcileAction action, String detail) {
    return new ActionOutcome(action, Status.DEFERRED, detail);
  }

  static ActionOutcome failed(ReconcileAction action, String detail) {
    return new ActionOutcome(action, Status.FAILED, detail);
  }

  @Override
  public String toString() {
    return status + " " + action.describe() + (detail.isEmpty() ? "" : " — " + detail);
  }
}
