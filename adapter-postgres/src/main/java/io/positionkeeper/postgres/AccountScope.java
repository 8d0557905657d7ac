package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.ACCOUNT_LEASES;

import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Param;
import org.jooq.ResultQuery;

/**
 * The account a store is bound to, and the lease its writes are fenced by, if any. Every read and
 * write of a store is limited to its account's rows. A store bound to a {@link Lease} first runs
 * {@link #fence} in each write transaction: it locks the account's lease row ({@code FOR SHARE})
 * and refuses the write with {@link StaleLeaseException} unless the row still has the lease's epoch
 * and holder. The lock is held until the write commits, so a runner taking the lease over waits for
 * the old holder's writes in flight, and every write the old holder starts afterwards is refused:
 * no write of an older epoch can commit after a newer epoch was granted.
 *
 * <p>The fence checks the epoch, not the expiry: a lease that expired without anybody taking it
 * over still fences nobody out (no other runner acts for the account), and refusing the write of a
 * stop the moment a renewal is late would harm the position it protects. The renewal is what tells
 * a runner that it lost the lease.
 */
record AccountScope(AccountId account, Optional<Lease> lease) {
  private static final String FENCE =
      "SELECT epoch FROM monitoring.account_leases"
          + " WHERE account = ? AND epoch = ? AND holder = ? FOR SHARE";

  /** The scope's account, a parameter of the statements rendered once. */
  static final Param<String> ACCOUNT = RenderedStatement.param("account", ACCOUNT_LEASES.ACCOUNT);

  private static final Param<String> FENCE_ACCOUNT =
      RenderedStatement.param("fence_account", ACCOUNT_LEASES.ACCOUNT);
  private static final Param<Long> FENCE_EPOCH =
      RenderedStatement.param("fence_epoch", ACCOUNT_LEASES.EPOCH);
  private static final Param<String> FENCE_HOLDER =
      RenderedStatement.param("fence_holder", ACCOUNT_LEASES.HOLDER);

  AccountScope {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(lease, "lease");
  }

  /** Rows of {@code account}, no fence. */
  static AccountScope of(AccountId account) {
    return new AccountScope(account, Optional.empty());
  }

  /** Rows of the lease's account; every write fenced by the lease. */
  static AccountScope of(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    return new AccountScope(lease.account(), Optional.of(lease));
  }

  String name() {
    return account.value();
  }

  /**
   * In the caller's write transaction, before it writes: {@link StaleLeaseException} unless the
   * lease is still the account's current one (the transaction is then rolled back, nothing
   * written).
   */
  void fence(DSLContext ctx) {
    if (lease.isEmpty()) {
      return;
    }
    Lease l = lease.get();
    if (ctx.fetchOne(FENCE, account.value(), l.epoch(), l.holder()) == null) {
      throw stale(l);
    }
  }

  /**
   * The fence as the first part of a write that is one statement rendered once ({@code WITH fence
   * AS (...)}, {@link RenderedStatement}): one row, the lease row locked {@code FOR SHARE} until
   * the statement commits, while the lease is current; no row once it is not. Unfenced, always one
   * row. The statement writes only when the fence has its row (a one-time {@code EXISTS} condition,
   * evaluated before any row is written) and reports that count to {@link #refuseUnlessFenced}.
   * {@link #fixedValues} holds its values.
   */
  ResultQuery<?> fenceTemplate(DSLContext ctx) {
    if (lease.isEmpty()) {
      return ctx.selectOne();
    }
    return ctx.select(ACCOUNT_LEASES.EPOCH)
        .from(ACCOUNT_LEASES)
        .where(ACCOUNT_LEASES.ACCOUNT.eq(FENCE_ACCOUNT))
        .and(ACCOUNT_LEASES.EPOCH.eq(FENCE_EPOCH))
        .and(ACCOUNT_LEASES.HOLDER.eq(FENCE_HOLDER))
        .forShare();
  }

  /**
   * The values of a statement rendered once that are this scope's: the account ({@link #ACCOUNT}),
   * and the lease of {@link #fenceTemplate}.
   */
  RenderedStatement.Values fixedValues() {
    RenderedStatement.Values values = RenderedStatement.fixedValues().set(ACCOUNT, name());
    lease.ifPresent(
        l ->
            values
                .set(FENCE_ACCOUNT, account.value())
                .set(FENCE_EPOCH, l.epoch())
                .set(FENCE_HOLDER, l.holder()));
    return values;
  }

  /**
   * After a one-statement write: {@link StaleLeaseException} when its fence found no current lease
   * (the statement then wrote nothing).
   */
  void refuseUnlessFenced(long fenceRows) {
    if (fenceRows == 0) {
      throw stale(lease.orElseThrow(() -> new IllegalStateException("unfenced fence had no row")));
    }
  }

  private StaleLeaseException stale(Lease l) {
    return new StaleLeaseException(
        "lease epoch "
            + l.epoch()
            + " of account "
            + account
            + " is no longer current (another runner took the account over); the write is"
            + " refused, nothing written");
  }
}
