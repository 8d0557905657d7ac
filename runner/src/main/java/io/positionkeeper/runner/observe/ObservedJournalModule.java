package io.positionkeeper.runner.observe;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.postgres.JooqAuditJournal;
import java.util.Objects;

/**
 * Overrides the PostgreSQL module's journal binding with the observed journal, so the audit writer
 * hands its batches through the observer ({@code Modules.override(postgres).with(this)}).
 */
public final class ObservedJournalModule extends AbstractModule {
  private final KeeperObserver observer;

  public ObservedJournalModule(KeeperObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Provides
  @Singleton
  AuditJournal journal(JooqAuditJournal journal) {
    return new ObservedAuditJournal(journal, observer);
  }
}
