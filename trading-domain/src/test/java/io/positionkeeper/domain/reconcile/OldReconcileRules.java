package io.positionkeeper.domain.reconcile;

import io.positionkeeper.domain.position.Phase;

/**
 * The reconciliation's defect of the safety-core review, put back in test scope through the
 * reconciler's seam, so the simulator can show that it catches it again ("teeth").
 */
public final class OldReconcileRules {
  private OldReconcileRules() {}

  /**
   * A position whose opener is placing its first stop is not left to the opener: reconciliation
   * sees a row without a working stop and places one, and the opener then places its own.
   */
  public static ReconcileRule protectingWhileTheOpenerDoes() {
    return (in, policy) ->
        ReconcileDecision.decide(
            new ReconcileInputs(
                in.exchange(),
                in.stored(),
                in.book().stream().filter(p -> p.phase() != Phase.PROTECTING).toList(),
                in.snapshot(),
                in.confirmation(),
                in.stops(),
                in.now()),
            policy);
  }
}
