package io.positionkeeper.runner.observe;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.model.AuditRecord;
import java.util.List;
import java.util.Objects;

/**
 * The audit journal, telling the observer of each record once a batch is stored, and of the journal
 * failing (the writer then spools). Records that go with no state change (a failed stop placement,
 * an emergency close) reach the observer here.
 */
public final class ObservedAuditJournal implements AuditJournal {
  private final AuditJournal delegate;
  private final KeeperObserver observer;

  public ObservedAuditJournal(AuditJournal delegate, KeeperObserver observer) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public void append(List<AuditRecord> batch) {
    try {
      delegate.append(batch);
    } catch (PersistenceException e) {
      observer.onDatabaseFailure("audit journal", e);
      throw e;
    }
    observer.onDatabaseAnswered("audit journal");
    batch.forEach(observer::onRecord);
  }
}
