package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.reconcile.ReconcileResult;
import io.positionkeeper.ports.model.Exchange;
import java.util.List;

/**
 * What start-up did: rows loaded, trailing states restored as stored or fresh, the venues whose
 * streams were not resynced in time (reconciled later, by the periodic run), and each venue's first
 * reconciliation.
 */
public record StartReport(
    int positionsLoaded,
    int trailingRestored,
    int trailingFresh,
    List<Exchange> notReady,
    List<ReconcileResult> reconciliations) {
  public StartReport {
    notReady = List.copyOf(notReady);
    reconciliations = List.copyOf(reconciliations);
  }
}
