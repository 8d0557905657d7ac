package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.reconcile.ReconcileResult;
import java.util.List;

/** Compares the book and the store with every venue, on demand. */
public interface Reconciling {

  /** Reconciles every venue and applies what it decides; one result per venue. */
  List<ReconcileResult> reconcile();

  /** What reconciling every venue would do now; changes nothing. */
  List<ReconcileResult> dryRun();
}
