package io.positionkeeper.domain.reconcile;

import java.util.List;

/**
 * What a reconciliation decides from what it read. The keeper uses {@link #STANDARD} (the rule of
 * {@link ReconcileDecision}); a test can build a keeper with an older rule to show that the
 * simulator catches the defect it had.
 */
@FunctionalInterface
public interface ReconcileRule {
  ReconcileRule STANDARD = ReconcileDecision::decide;

  List<ReconcileAction> decide(ReconcileInputs inputs, ReconcilePolicy policy);
}
