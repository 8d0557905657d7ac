package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.fake.InMemoryAccountLease;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A runner whose lease cannot be renewed stops before the lease can expire and be taken, whether
 * the database refuses, fails or hangs.
 */
class LeaseRenewalTest {
  private static final Duration TTL = Duration.ofMillis(2000);
  private final InMemoryAccountLease store = new InMemoryAccountLease(Clock.system());
  private final AtomicBoolean databaseAway = new AtomicBoolean();
  private final AtomicBoolean databaseHangs = new AtomicBoolean();

  /** The store, with the database's failure modes switched on by the test. */
  private final AccountLease leases =
      new AccountLease() {
        @Override
        public Lease acquire(AccountId account, String holder, Duration ttl) {
          return store.acquire(account, holder, ttl);
        }

        @Override
        public Lease renew(Lease lease, Duration ttl) {
          if (databaseHangs.get()) {
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          if (databaseAway.get()) {
            throw new IllegalStateException("connection refused");
          }
          return store.renew(lease, ttl);
        }

        @Override
        public void check(Lease lease) {
          store.check(lease);
        }

        @Override
        public void release(Lease lease) {
          store.release(lease);
        }
      };

  @Test
  void renewalsKeepTheLease_andNothingIsLost() throws Exception {
    CountDownLatch lost = new CountDownLatch(1);
    try (LeaseRenewal renewal = start(lost)) {
      assertThat(lost.await(TTL.toMillis() * 2, TimeUnit.MILLISECONDS)).isFalse();
      assertThat(renewal.lost()).isNull();
      assertThat(renewal.current().epoch()).isEqualTo(1);
    }
  }

  @Test
  void failingRenewals_stopTheRunnerBeforeTheLeaseExpires() throws Exception {
    assertStopsBeforeExpiry(databaseAway);
  }

  @Test
  void aHangingRenewal_stillStopsTheRunnerBeforeTheLeaseExpires() throws Exception {
    assertStopsBeforeExpiry(databaseHangs);
  }

  @Test
  void aLeaseTakenByAnotherRunner_stopsThisOne() throws Exception {
    CountDownLatch lost = new CountDownLatch(1);
    try (LeaseRenewal renewal = start(lost)) {
      store.release(renewal.current());
      store.acquire(AccountId.of("acc"), "other", TTL);

      assertThat(lost.await(TTL.toMillis() * 2, TimeUnit.MILLISECONDS)).isTrue();
      assertThat(renewal.lost()).isNotNull();
    }
  }

  @Test
  void aWriteFencedOut_endsTheLeaseOnce_andStopsTheRunner() throws Exception {
    CountDownLatch lost = new CountDownLatch(2);
    try (LeaseRenewal renewal = start(lost)) {
      StaleLeaseException fenced = new StaleLeaseException("epoch 2 is current, not 1");
      renewal.fencedOut(fenced);
      renewal.fencedOut(new StaleLeaseException("a second write"));

      assertThat(renewal.lost()).isSameAs(fenced);
      assertThat(lost.getCount()).as("onLost runs once").isEqualTo(1);
    }
  }

  @Test
  void aLeaseWhoseAcquisitionTookMostOfItsTime_isLostAtOnce_andNoStartUpStepMayFollow() {
    // The database answered the acquisition a whole time-to-live after it was sent (a loaded
    // machine): it may have set the expiry from the start of that wait, so the lease may be over.
    long sent = System.nanoTime() - TTL.toNanos();
    Lease lease = leases.acquire(AccountId.of("acc"), "me", TTL);
    CountDownLatch lost = new CountDownLatch(1);
    try (LeaseRenewal renewal = new LeaseRenewal(leases, lease, sent, TTL, lost::countDown)) {
      assertThat(lost.getCount()).as("lost before the constructor returned").isZero();
      assertThatThrownBy(() -> renewal.ensureHeld("set the leverage"))
          .isInstanceOf(StaleLeaseException.class)
          .hasMessageContaining("lease of account acc is lost")
          .hasMessageContaining("does not go on to set the leverage")
          .hasMessageContaining("last renewed by a request sent");
    }
  }

  @Test
  void aRenewedLease_letsTheStartUpGoOn() throws Exception {
    CountDownLatch lost = new CountDownLatch(1);
    try (LeaseRenewal renewal = start(lost)) {
      Thread.sleep(TTL.toMillis()); // renewed meanwhile
      renewal.ensureHeld("set the leverage");
      assertThat(lost.getCount()).isEqualTo(1);
    }
  }

  @Test
  void aLeaseFencedOut_refusesTheNextStep() {
    CountDownLatch lost = new CountDownLatch(1);
    try (LeaseRenewal renewal = start(lost)) {
      renewal.fencedOut(new StaleLeaseException("epoch 2 is current, not 1"));
      assertThatThrownBy(() -> renewal.ensureHeld("start the keeper"))
          .isInstanceOf(StaleLeaseException.class)
          .hasMessageContaining("does not go on to start the keeper")
          .hasMessageContaining("epoch 2 is current, not 1");
    }
  }

  private void assertStopsBeforeExpiry(AtomicBoolean fault) throws Exception {
    CountDownLatch lost = new CountDownLatch(1);
    AtomicReference<Instant> lostAt = new AtomicReference<>();
    long sent = System.nanoTime();
    Lease lease = leases.acquire(AccountId.of("acc"), "me", TTL);
    Runnable onLost =
        () -> {
          lostAt.set(Clock.system().now());
          lost.countDown();
        };
    try (LeaseRenewal renewal = new LeaseRenewal(leases, lease, sent, TTL, onLost)) {
      Thread.sleep(TTL.toMillis() / 2);
      fault.set(true);

      assertThat(lost.await(TTL.toMillis() * 3, TimeUnit.MILLISECONDS)).isTrue();
      assertThat(renewal.lost()).hasMessageContaining("last renewed by a request sent");
      // The runner gives up while the lease the store holds is still its own: no standby can
      // have taken it yet.
      assertThat(lostAt.get()).isBefore(renewal.current().expiresAt());
    }
  }

  private LeaseRenewal start(CountDownLatch lost) {
    long sent = System.nanoTime();
    Lease lease = leases.acquire(AccountId.of("acc"), "me", TTL);
    return new LeaseRenewal(leases, lease, sent, TTL, lost::countDown);
  }
}
