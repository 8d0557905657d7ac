package io.positionkeeper.postgres;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.Record;

/**
 * {@link AccountLease} on {@code monitoring.account_leases}: one row per account, taken, renewed
 * and checked by single statements guarded by the epoch. Time is the database's ({@code now()}),
 * not the runners': two runners on machines whose clocks differ still agree on when a lease
 * expires.
 *
 * <p>A lease is granted only when it is free (never taken, expired or released), whoever asks: a
 * holder name is not proof of being the same runner (two runners may be configured with the same
 * name, or one restarted), so even the current holder's name gets {@code LEASE_HELD} while its
 * lease runs; a runner extends its lease with {@link #renew}. A runner restarted after a crash
 * waits until its old lease expires.
 */
public final class JooqAccountLease implements AccountLease {
  private static final String ACQUIRE =
      "INSERT INTO monitoring.account_leases AS l (account, holder, epoch, expires_at)"
          + " VALUES (?, ?, 1, now() + ? * interval '1 millisecond')"
          + " ON CONFLICT (account) DO UPDATE"
          + " SET holder = excluded.holder, epoch = l.epoch + 1, expires_at = excluded.expires_at"
          + " WHERE l.expires_at <= now()"
          + " RETURNING epoch, expires_at";

  private static final String RENEW =
      "UPDATE monitoring.account_leases SET expires_at = now() + ? * interval '1 millisecond'"
          + " WHERE account = ? AND epoch = ? AND expires_at > now() RETURNING expires_at";

  private static final String CHECK =
      "SELECT 1 FROM monitoring.account_leases WHERE account = ? AND epoch = ? AND expires_at > now()";

  private static final String RELEASE =
      "UPDATE monitoring.account_leases SET expires_at = now() WHERE account = ? AND epoch = ?";

  private final Database db;

  public JooqAccountLease(DataSource dataSource) {
    this.db = new Database(dataSource);
  }

  @Override
  public Lease acquire(AccountId account, String holder, Duration ttl) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(holder, "holder");
    long millis = millis(ttl);
    Record row =
        db.inTransaction(
            "acquire the lease of account " + account,
            (ctx, c) -> ctx.fetchOne(ACQUIRE, account.value(), holder, millis));
    if (row == null) {
      throw new RejectedException(
          "LEASE_HELD", "account " + account + " is held by another runner's unexpired lease");
    }
    return new Lease(
        account, holder, row.get(0, Long.class), row.get(1, OffsetDateTime.class).toInstant());
  }

  @Override
  public Lease renew(Lease lease, Duration ttl) {
    Objects.requireNonNull(lease, "lease");
    long millis = millis(ttl);
    Record row =
        db.inTransaction(
            "renew the lease of account " + lease.account(),
            (ctx, c) -> ctx.fetchOne(RENEW, millis, lease.account().value(), lease.epoch()));
    if (row == null) {
      throw stale(lease);
    }
    return new Lease(
        lease.account(),
        lease.holder(),
        lease.epoch(),
        row.get(0, OffsetDateTime.class).toInstant());
  }

  @Override
  public void check(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    boolean current =
        db.read(
            "check the lease of account " + lease.account(),
            (ctx, c) -> ctx.fetchOne(CHECK, lease.account().value(), lease.epoch()) != null);
    if (!current) {
      throw stale(lease);
    }
  }

  @Override
  public void release(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    db.inTransaction(
        "release the lease of account " + lease.account(),
        (ctx, c) -> ctx.execute(RELEASE, lease.account().value(), lease.epoch()));
  }

  private static StaleLeaseException stale(Lease lease) {
    return new StaleLeaseException(
        "lease epoch "
            + lease.epoch()
            + " of account "
            + lease.account()
            + " is no longer current (expired and taken, or released)");
  }

  private static long millis(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    return ttl.toMillis();
  }
}
