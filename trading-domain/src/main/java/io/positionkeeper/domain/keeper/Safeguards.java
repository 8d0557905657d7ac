package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.open.IntentGuard;
import io.positionkeeper.domain.open.RollbackFactory;
import io.positionkeeper.domain.reconcile.ReconcileRule;
import java.util.Objects;

/**
 * The rules a keeper's opener and reconcilers keep a position safe by: one entry order per intent,
 * the rollback of a failed opening, the reconciliation's decision. A keeper is built with {@link
 * #standard()}, and a bot has no reason to change them; the simulator's tests build keepers with an
 * older rule put back to show that the simulation catches the defect it had.
 */
public record Safeguards(
    IntentGuard intentGuard, RollbackFactory rollback, ReconcileRule reconcile) {
  public Safeguards {
    Objects.requireNonNull(intentGuard, "intentGuard");
    Objects.requireNonNull(rollback, "rollback");
    Objects.requireNonNull(reconcile, "reconcile");
  }

  public static Safeguards standard() {
    return new Safeguards(IntentGuard.STANDARD, RollbackFactory.STANDARD, ReconcileRule.STANDARD);
  }

  public Safeguards withIntentGuard(IntentGuard guard) {
    return new Safeguards(guard, rollback, reconcile);
  }

  public Safeguards withRollback(RollbackFactory factory) {
    return new Safeguards(intentGuard, factory, reconcile);
  }

  public Safeguards withReconcile(ReconcileRule rule) {
    return new Safeguards(intentGuard, rollback, rule);
  }
}
