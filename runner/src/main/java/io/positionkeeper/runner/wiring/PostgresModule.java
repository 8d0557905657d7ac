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
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.postgres.JooqAuditJournal;
import io.positionkeeper.postgres.JooqDeadLetterStore;
import io.positionkeeper.postgres.JooqPositionStore;
import io.positionkeeper.postgres.JooqTrailingStopStore;
import javax.sql.DataSource;

/**
 * The PostgreSQL stores and the audit writer on a pool and spool that main opened (embedded or
 * external, the same stores). Live, the stores are bound to the runner's account lease: they read
 * and write that account's rows only, and every write is refused once another runner has taken the
 * account over ({@link io.positionkeeper.ports.StaleLeaseException}). Without a lease (paper mode,
 * on a database of its own) they are the default account's, unfenced.
 */
public final class PostgresModule extends AbstractModule {
  private final DataSource dataSource;
  private final AuditSpool spool;
  private final Lease lease;

  /** Stores of the default account, unfenced (paper mode). */
  public PostgresModule(DataSource dataSource, AuditSpool spool) {
    this.dataSource = dataSource;
    this.spool = spool;
    this.lease = null;
  }

  /** Stores of the lease's account, every write fenced by the lease. */
  public PostgresModule(DataSource dataSource, AuditSpool spool, Lease lease) {
    this.dataSource = dataSource;
    this.spool = spool;
    this.lease = java.util.Objects.requireNonNull(lease, "lease");
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
    return lease == null ? new JooqPositionStore(ds) : new JooqPositionStore(ds, lease);
  }

  @Provides
  @Singleton
  JooqTrailingStopStore trailing(DataSource ds) {
    return lease == null ? new JooqTrailingStopStore(ds) : new JooqTrailingStopStore(ds, lease);
  }

  @Provides
  @Singleton
  JooqAuditJournal journal(DataSource ds) {
    return lease == null ? new JooqAuditJournal(ds) : new JooqAuditJournal(ds, lease);
  }

  @Provides
  @Singleton
  JooqDeadLetterStore deadLetters(DataSource ds) {
    return lease == null ? new JooqDeadLetterStore(ds) : new JooqDeadLetterStore(ds, lease);
  }

  @Provides
  @Singleton
  BatchingAuditWriter auditWriter(
      AuditJournal journal, DeadLetterStore deadLetters, AuditSpool spool, Clock clock) {
    return new BatchingAuditWriter(
        journal, deadLetters, spool, clock, AuditWriterPolicy.standard());
  }
}
