package io.positionkeeper.runner.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.positionkeeper.domain.audit.AuditSpool;
import io.positionkeeper.domain.audit.AuditWriterPolicy;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.postgres.JooqAuditJournal;
import io.positionkeeper.postgres.JooqDeadLetterStore;
import io.positionkeeper.postgres.JooqPositionStore;
import io.positionkeeper.postgres.JooqTrailingStopStore;
import javax.sql.DataSource;

/**
 * The PostgreSQL stores and the audit writer on a pool and spool that main opened (embedded or
 * external, the same stores).
 */
public final class PostgresModule extends AbstractModule {
  private final DataSource dataSource;
  private final AuditSpool spool;

  public PostgresModule(DataSource dataSource, AuditSpool spool) {
    this.dataSource = dataSource;
    this.spool = spool;
  }

  @Override
  protected void configure() {
    bind(DataSource.class).toInstance(dataSource);
    bind(AuditSpool.class).toInstance(spool);
    bind(PositionStore.class).to(JooqPositionStore.class);
    bind(TrailingStopStore.class).to(JooqTrailingStopStore.class);
    bind(AuditJournal.class).to(JooqAuditJournal.class);
    bind(DeadLetterStore.class).to(JooqDeadLetterStore.class);
  }

  @Provides
  @Singleton
  JooqPositionStore positions(DataSource ds) {
    return new JooqPositionStore(ds);
  }

  @Provides
  @Singleton
  JooqTrailingStopStore trailing(DataSource ds) {
    return new JooqTrailingStopStore(ds);
  }

  @Provides
  @Singleton
  JooqAuditJournal journal(DataSource ds) {
    return new JooqAuditJournal(ds);
  }

  @Provides
  @Singleton
  JooqDeadLetterStore deadLetters(DataSource ds) {
    return new JooqDeadLetterStore(ds);
  }

  @Provides
  @Singleton
  BatchingAuditWriter auditWriter(
      AuditJournal journal, DeadLetterStore deadLetters, AuditSpool spool, Clock clock) {
    return new BatchingAuditWriter(
        journal, deadLetters, spool, clock, AuditWriterPolicy.standard());
  }
}
