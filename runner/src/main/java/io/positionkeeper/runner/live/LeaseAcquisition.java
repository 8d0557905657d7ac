package io.positionkeeper.runner.live;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a runner's account lease, standing by while another runner holds it if asked to, and says
 * when the request that took it was sent: the lease's clock ({@link LeaseRenewal}) counts from
 * then, the only moment known to be no later than the database's grant.
 *
 * <p>The database path is warmed up first (one round trip through the same pool, driver and
 * statement code, {@code warmUp}), before any send time is taken: in a fresh JVM the first
 * statement also pays for loading and compiling that code, seconds on a loaded machine, and when
 * that first statement is the acquisition, those seconds are counted against the lease's
 * time-to-live and the runner gives up a lease it has just been granted. The warm-up grants nothing
 * and changes nothing, so the lease's deadline is counted exactly as before: from a send that
 * precedes the grant.
 */
final class LeaseAcquisition {
  private static final Logger log = LoggerFactory.getLogger(LeaseAcquisition.class);

  /** A lease and when the request that took it was sent ({@link System#nanoTime()}). */
  record Taken(Lease lease, long sentNanos) {}

  private final AccountLease leases;
  private final Runnable warmUp;
  private final Duration ttl;

  /**
   * @param warmUp one harmless round trip through the path {@code leases} takes to the database
   */
  LeaseAcquisition(AccountLease leases, Runnable warmUp, Duration ttl) {
    this.leases = Objects.requireNonNull(leases, "leases");
    this.warmUp = Objects.requireNonNull(warmUp, "warmUp");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
  }

  /**
   * The lease of {@code account} for {@code holder}; LEASE_HELD (a {@link RejectedException}) when
   * another runner holds it, unless {@code standbyRetry} is given: then retried that often until
   * taken, or empty once {@code stopRequested} is counted down.
   */
  Optional<Taken> take(
      AccountId account, String holder, Duration standbyRetry, CountDownLatch stopRequested)
      throws InterruptedException {
    warmUp.run();
    boolean announced = false;
    while (true) {
      long sent = System.nanoTime();
      try {
        return Optional.of(new Taken(leases.acquire(account, holder, ttl), sent));
      } catch (RejectedException e) {
        if (standbyRetry == null || !"LEASE_HELD".equals(e.code())) {
          throw e;
        }
        if (!announced) {
          log.warn("standby: {}; taking over when that lease expires", e.getMessage());
          announced = true;
        }
      }
      if (stopRequested.await(standbyRetry.toMillis(), TimeUnit.MILLISECONDS)) {
        log.info("stopped while standing by for account {}", account.value());
        return Optional.empty();
      }
    }
  }
}
