package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.SIGNALS;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.schema.tables.records.SignalsRecord;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SignalSource} on the {@code monitoring.signals} table. Claiming takes the oldest waiting
 * rows with {@code FOR UPDATE SKIP LOCKED} and marks them claimed by this source in the same
 * statement, so two runners on one database never take the same signal and never wait for each
 * other. A claimed signal is never handed out again, even if its runner dies before completing it:
 * opening a position twice is worse than a signal a person has to look at.
 *
 * <p>A source is bound to one account and claims that account's signals only; bound to a {@link
 * Lease}, every claim and completion is fenced by it ({@link AccountScope}): a runner that lost its
 * account's lease claims nothing more.
 */
public final class JooqSignalSource implements SignalSource {
  private static final Logger log = LoggerFactory.getLogger(JooqSignalSource.class);

  private final Database db;
  private final String consumer;
  private final AccountScope scope;

  /**
   * A source of the {@link AccountId#DEFAULT} account's signals, unfenced.
   *
   * @param consumer who claims: a name unique among the runners on this database (host and process,
   *     say); {@link #complete} accepts only signals this name claimed
   */
  public JooqSignalSource(DataSource dataSource, String consumer) {
    this(dataSource, consumer, AccountScope.of(AccountId.DEFAULT));
  }

  /** A source of {@code account}'s signals, unfenced. */
  public JooqSignalSource(DataSource dataSource, String consumer, AccountId account) {
    this(dataSource, consumer, AccountScope.of(account));
  }

  /** A source of the lease's account's signals, every claim and completion fenced by it. */
  public JooqSignalSource(DataSource dataSource, String consumer, Lease lease) {
    this(dataSource, consumer, AccountScope.of(lease));
  }

  private JooqSignalSource(DataSource dataSource, String consumer, AccountScope scope) {
    this.db = new Database(dataSource);
    this.scope = Objects.requireNonNull(scope, "scope");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    if (consumer.isBlank()) {
      throw new IllegalArgumentException("consumer must not be blank");
    }
  }

  @Override
  public List<Signal> claim(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be > 0, was " + max);
    }
    return db.inTransaction(
        "claim signals",
        (ctx, c) -> {
          scope.fence(ctx);
          // Locked first, read, and only then marked: a row the model (or a check added since it
          // was written) refuses is completed REJECTED instead of claimed, so it never blocks the
          // queue.
          List<Long> ids =
              ctx.select(SIGNALS.ID)
                  .from(SIGNALS)
                  .where(SIGNALS.ACCOUNT.eq(scope.name()))
                  .and(SIGNALS.CLAIMED_AT.isNull())
                  .orderBy(SIGNALS.CREATED_AT, SIGNALS.ID)
                  .limit(max)
                  .forUpdate()
                  .skipLocked()
                  .fetch(SIGNALS.ID);
          List<Signal> claimed =
              RowReader.readAll(
                  ctx,
                  SIGNALS,
                  SIGNALS.ID,
                  SIGNALS.ID.in(ids),
                  JooqSignalSource::toSignal,
                  (table, id, reason) -> reject(ctx, id, reason));
          ctx.update(SIGNALS)
              .set(SIGNALS.CLAIMED_AT, DSL.currentInstant())
              .set(SIGNALS.CLAIMED_BY, consumer)
              .where(SIGNALS.ID.in(claimed.stream().map(Signal::id).toList()))
              .execute();
          return claimed.stream()
              .sorted(Comparator.comparing(Signal::createdAt).thenComparingLong(Signal::id))
              .toList();
        });
  }

  /**
   * Claims and completes a signal the model cannot read as REJECTED, with the reason, in the
   * claim's transaction: left waiting, it would stay the oldest one and every claim would meet it
   * again, so no later signal would ever be delivered.
   */
  private void reject(org.jooq.DSLContext ctx, long id, String reason) {
    RejectedException refusal =
        new RejectedException("UNREADABLE_SIGNAL", "signal " + id + " cannot be read: " + reason);
    log.error("{}; completed as REJECTED", refusal.getMessage());
    ctx.update(SIGNALS)
        .set(SIGNALS.CLAIMED_AT, DSL.currentInstant())
        .set(SIGNALS.CLAIMED_BY, consumer)
        .set(SIGNALS.COMPLETED_AT, DSL.currentInstant())
        .set(SIGNALS.OUTCOME, SignalOutcome.REJECTED)
        .set(SIGNALS.DETAIL, refusal.getMessage())
        .where(SIGNALS.ID.eq(id))
        .execute();
  }

  @Override
  public void complete(long signalId, SignalOutcome outcome, String detail) {
    Objects.requireNonNull(outcome, "outcome");
    db.inTransaction(
        "complete signal " + signalId,
        (ctx, c) -> {
          scope.fence(ctx);
          int updated =
              ctx.update(SIGNALS)
                  .set(SIGNALS.COMPLETED_AT, DSL.currentInstant())
                  .set(SIGNALS.OUTCOME, outcome)
                  .set(SIGNALS.DETAIL, detail)
                  .where(SIGNALS.ID.eq(signalId))
                  .and(SIGNALS.ACCOUNT.eq(scope.name()))
                  .and(SIGNALS.CLAIMED_BY.eq(consumer))
                  .and(SIGNALS.COMPLETED_AT.isNull())
                  .execute();
          if (updated == 1) {
            return null;
          }
          SignalsRecord row =
              ctx.selectFrom(SIGNALS)
                  .where(SIGNALS.ID.eq(signalId))
                  .and(SIGNALS.ACCOUNT.eq(scope.name()))
                  .fetchOne();
          if (row == null || !consumer.equals(row.getClaimedBy())) {
            throw new RejectedException(
                "NOT_CLAIMED", "signal " + signalId + " was not claimed by this source");
          }
          throw new RejectedException(
              "ALREADY_COMPLETED", "signal " + signalId + " is already completed");
        });
  }

  static Signal toSignal(SignalsRecord r) {
    return new Signal(
        r.getId(),
        r.getExchange(),
        new Symbol(r.getSymbol()),
        r.getSide(),
        r.getSize(),
        r.getSizeUnit(),
        r.getStopLossPercent(),
        r.getTrailingActivationPercent(),
        r.getTrailingCallbackPercent(),
        r.getCreatedAt());
  }
}
