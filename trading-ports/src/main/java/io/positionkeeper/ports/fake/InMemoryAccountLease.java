package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Account leases in memory, timed by the given clock (a {@link ManualClock} in tests). As in the
 * database, a lease is granted only when nobody holds an unexpired one, the caller's own holder
 * name included: two runners that happen to share a name must not both hold the account.
 *
 * <p>The in-memory stores made with {@code fencedBy(lease, leases)} write through {@link
 * #whileCurrent}: the write runs under this object's lock and only while the lease is the latest
 * one granted for its account, so, as with the database's row lock, a new acquisition waits for a
 * write in flight and every later write of the old lease is refused.
 */
public final class InMemoryAccountLease implements AccountLease {
  private final Clock clock;
  private final Map<AccountId, Lease> current = new HashMap<>();
  private final Map<AccountId, Long> epochs = new HashMap<>();
  // The latest lease granted per account, kept after a release: the fence is its epoch and holder.
  private final Map<AccountId, Lease> granted = new HashMap<>();

  public InMemoryAccountLease(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized Lease acquire(AccountId account, String holder, Duration ttl) {
    Objects.requireNonNull(account, "account");
    positive(ttl);
    Instant now = clock.now();
    Lease held = current.get(account);
    if (held != null && now.isBefore(held.expiresAt())) {
      throw new RejectedException(
          "LEASE_HELD",
          "account " + account + " is held by " + held.holder() + " until " + held.expiresAt());
    }
    long epoch = epochs.merge(account, 1L, Long::sum);
    Lease lease = new Lease(account, holder, epoch, now.plus(ttl));
    current.put(account, lease);
    granted.put(account, lease);
    return lease;
  }

  /**
   * Runs {@code write} while {@code lease} is the latest lease granted for its account (same epoch
   * and holder), under this object's lock; {@link StaleLeaseException} otherwise, {@code write} not
   * run. The expiry is not checked: as in the database's fence, an expired lease nobody took over
   * still fences nobody out.
   */
  public synchronized <T> T whileCurrent(Lease lease, Supplier<T> write) {
    Objects.requireNonNull(lease, "lease");
    Lease latest = granted.get(lease.account());
    if (latest == null
        || latest.epoch() != lease.epoch()
        || !latest.holder().equals(lease.holder())) {
      throw new StaleLeaseException(
          "lease epoch "
              + lease.epoch()
              + " of account "
              + lease.account()
              + " is no longer current (another runner took the account over); the write is"
              + " refused, nothing written");
    }
    return write.get();
  }

  @Override
  public synchronized Lease renew(Lease lease, Duration ttl) {
    positive(ttl);
    checkNow(lease);
    Lease renewed =
        new Lease(lease.account(), lease.holder(), lease.epoch(), clock.now().plus(ttl));
    current.put(lease.account(), renewed);
    return renewed;
  }

  @Override
  public synchronized void check(Lease lease) {
    checkNow(lease);
  }

  @Override
  public synchronized void release(Lease lease) {
    Lease held = current.get(lease.account());
    if (held != null && held.epoch() == lease.epoch()) {
      current.remove(lease.account());
    }
  }

  private void checkNow(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    Lease held = current.get(lease.account());
    if (held == null || held.epoch() != lease.epoch()) {
      throw new StaleLeaseException(
          "lease epoch " + lease.epoch() + " of account " + lease.account() + " is not current");
    }
    if (!clock.now().isBefore(held.expiresAt())) {
      throw new StaleLeaseException(
          "lease epoch "
              + lease.epoch()
              + " of account "
              + lease.account()
              + " expired at "
              + held.expiresAt());
    }
  }

  private static void positive(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
  }
}
