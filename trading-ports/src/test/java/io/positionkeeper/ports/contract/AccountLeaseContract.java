package io.positionkeeper.ports.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What every {@link AccountLease} promises: one holder at a time, and epochs that fence. */
public abstract class AccountLeaseContract {
  private static final Duration LONG = Duration.ofMinutes(5);

  protected abstract AccountLease leases();

  /** An account no other test of this run uses. */
  protected abstract AccountId freshAccount();

  /** Lets {@code d} pass on the lease's clock. */
  protected abstract void pass(Duration d);

  /** A lease time that {@link #pass} can outlast quickly. */
  protected Duration shortTtl() {
    return Duration.ofMillis(300);
  }

  @Test
  void aSecondRunner_cannotAcquireAHeldLease() {
    AccountId account = freshAccount();
    Lease first = leases().acquire(account, "runner-a", LONG);

    assertThat(first.epoch()).isPositive();
    assertThatThrownBy(() -> leases().acquire(account, "runner-b", LONG))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("LEASE_HELD");
              assertThat(e).isNotInstanceOf(StaleLeaseException.class);
            });
    leases().check(first);
  }

  @Test
  void afterExpiry_anotherRunnerTakesIt_withAHigherEpoch_andTheOldLeaseIsStale() {
    AccountId account = freshAccount();
    Lease old = leases().acquire(account, "runner-a", shortTtl());
    pass(shortTtl().multipliedBy(2));

    Lease taken = leases().acquire(account, "runner-b", LONG);

    assertThat(taken.epoch()).isGreaterThan(old.epoch());
    assertThatThrownBy(() -> leases().check(old)).isInstanceOf(StaleLeaseException.class);
    assertThatThrownBy(() -> leases().renew(old, LONG))
        .isInstanceOfSatisfying(
            StaleLeaseException.class, e -> assertThat(e.code()).isEqualTo("STALE_LEASE"));
    leases().check(taken);
  }

  @Test
  void renew_extendsTheLease_keepingItsEpoch() {
    AccountId account = freshAccount();
    Lease lease = leases().acquire(account, "runner-a", shortTtl());

    Lease renewed = leases().renew(lease, LONG);
    pass(shortTtl().multipliedBy(2));

    assertThat(renewed.epoch()).isEqualTo(lease.epoch());
    assertThat(renewed.expiresAt()).isAfter(lease.expiresAt());
    leases().check(renewed);
    assertThatThrownBy(() -> leases().acquire(account, "runner-b", LONG))
        .isInstanceOf(RejectedException.class);
  }

  @Test
  void release_letsAnotherRunnerTakeItAtOnce_andTheReleasedLeaseIsStale() {
    AccountId account = freshAccount();
    Lease lease = leases().acquire(account, "runner-a", LONG);

    leases().release(lease);
    Lease next = leases().acquire(account, "runner-b", LONG);

    assertThat(next.epoch()).isGreaterThan(lease.epoch());
    assertThatThrownBy(() -> leases().check(lease)).isInstanceOf(StaleLeaseException.class);
    leases().release(lease); // a stale release changes nothing
    leases().check(next);
  }

  @Test
  void aSecondRunnerWithTheSameHolderName_cannotAcquireAHeldLease() {
    // Two runners configured with one name (or one restarted while its lease runs) are still two
    // runners: a name proves nothing, so the lease is not granted again while it runs.
    AccountId account = freshAccount();
    Lease first = leases().acquire(account, "runner-a", LONG);

    assertThatThrownBy(() -> leases().acquire(account, "runner-a", LONG))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("LEASE_HELD"));
    leases().check(first);
  }

  @Test
  void theSameHolderName_getsTheLeaseAgainOnceItIsFree_withAHigherEpoch() {
    AccountId account = freshAccount();
    Lease before = leases().acquire(account, "runner-a", LONG);
    leases().release(before);

    Lease after = leases().acquire(account, "runner-a", LONG);

    assertThat(after.epoch()).isGreaterThan(before.epoch());
    assertThatThrownBy(() -> leases().check(before)).isInstanceOf(StaleLeaseException.class);
    leases().check(after);
  }

  @Test
  void accounts_areIndependent() {
    Lease a = leases().acquire(freshAccount(), "runner-a", LONG);
    Lease b = leases().acquire(freshAccount(), "runner-b", LONG);
    leases().check(a);
    leases().check(b);
  }
}
