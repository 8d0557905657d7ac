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

/** Account leases in memory, timed by the given clock (a {@link ManualClock} in tests). */
public final class InMemoryAccountLease implements AccountLease {
  private final Clock clock;
  private final Map<AccountId, Lease> current = new HashMap<>();
  private final Map<AccountId, Long> epochs = new HashMap<>();

  public InMemoryAccountLease(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized Lease acquire(AccountId account, String holder, Duration ttl) {
    Objects.requireNonNull(account, "account");
    positive(ttl);
    Instant now = clock.now();
    Lease held = current.get(account);
    if (held != null && !held.holder().equals(holder) && now.isBefore(held.expiresAt())) {
      throw new RejectedException(
          "LEASE_HELD",
          "account " + account + " is held by " + held.holder() + " until " + held.expiresAt());
    }
    long epoch = epochs.merge(account, 1L, Long::sum);
    Lease lease = new Lease(account, holder, epoch, now.plus(ttl));
    current.put(account, lease);
    return lease;
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
