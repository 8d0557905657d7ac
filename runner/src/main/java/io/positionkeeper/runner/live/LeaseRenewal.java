package io.positionkeeper.runner.live;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.Lease;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the runner's account lease on a thread of its own, a third of its time-to-live apart, so
 * two renewals may fail before it expires. A stale lease (another runner took the account) calls
 * {@code onLost} once and renews no more; a failed renewal (the database unreachable) is retried at
 * the next period, and the lease simply expires if the database stays away.
 */
final class LeaseRenewal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseRenewal.class);

  private final AccountLease leases;
  private final Duration ttl;
  private final Runnable onLost;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("lease-renewal").daemon(true).unstarted(r));
  private volatile Lease current;
  private volatile StaleLeaseException lost;

  LeaseRenewal(AccountLease leases, Lease lease, Duration ttl, Runnable onLost) {
    this.leases = Objects.requireNonNull(leases, "leases");
    this.current = Objects.requireNonNull(lease, "lease");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.onLost = Objects.requireNonNull(onLost, "onLost");
    long every = Math.max(1, ttl.toMillis() / 3);
    timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  private void renew() {
    try {
      current = leases.renew(current, ttl);
    } catch (StaleLeaseException e) {
      lost = e;
      log.error("the lease of account {} is lost: {}; stopping", current.account(), e.getMessage());
      timer.shutdown();
      onLost.run();
    } catch (RuntimeException e) {
      log.warn("renewing the lease of account {} failed; retrying", current.account(), e);
    }
  }

  /** The stale-lease refusal that ended this runner's lease, if it did. */
  StaleLeaseException lost() {
    return lost;
  }

  Lease current() {
    return current;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
