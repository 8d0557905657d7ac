package io.positionkeeper.runner.live;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.Lease;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the runner's account lease on a thread of its own, a third of its time-to-live apart, so
 * two renewals may fail before it expires. A stale lease (another runner took the account) calls
 * {@code onLost} once and renews no more; a failed renewal (the database unreachable) is retried at
 * the next period. A watchdog on a second thread calls {@code onLost} when no renewal succeeded for
 * nine tenths of the time-to-live, counted from when the last successful request was sent: the
 * database may have let the lease expire and a standby may take it, so this runner stops acting
 * before that can happen, even while a renewal hangs.
 *
 * <p>The clock starts when the request was sent, not when the database answered: the database sets
 * the expiry from its own {@code now()} when it runs the statement, which is somewhere between the
 * two, and only the send time is known to be no later than that. Counting from the answer would
 * trust a lease the database may already have let expire (an answer delayed by a loaded machine, a
 * pause or a slow network); counting from the send may give up a lease that still had a few
 * seconds, which costs a restart, never a second runner acting. An acquisition that itself took
 * most of the time-to-live therefore yields a lease that is lost at once.
 *
 * <p>The watchdog thread may itself be late on a loaded machine, so a step that writes to the
 * account first asks {@link #ensureHeld}, which checks the same deadline on the caller's thread.
 */
final class LeaseRenewal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseRenewal.class);

  private final AccountLease leases;
  private final Duration ttl;
  private final Runnable onLost;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final ScheduledExecutorService timer = daemon("lease-renewal");
  private final ScheduledExecutorService watchdog = daemon("lease-watchdog");
  private volatile Lease current;
  private volatile long renewedAtNanos;
  private volatile StaleLeaseException lost;

  /**
   * @param sentNanos {@link System#nanoTime()} just before the request that acquired {@code lease}
   */
  LeaseRenewal(AccountLease leases, Lease lease, long sentNanos, Duration ttl, Runnable onLost) {
    this.leases = Objects.requireNonNull(leases, "leases");
    this.current = Objects.requireNonNull(lease, "lease");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.onLost = Objects.requireNonNull(onLost, "onLost");
    this.renewedAtNanos = sentNanos;
    long every = Math.max(1, ttl.toMillis() / 3);
    timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    long check = Math.max(1, ttl.toMillis() / 20);
    watchdog.scheduleWithFixedDelay(this::checkExpiry, check, check, TimeUnit.MILLISECONDS);
    checkExpiry(); // an acquisition that took most of the time-to-live
  }

  LeaseRenewal(AccountLease leases, Lease lease, Duration ttl, Runnable onLost) {
    this(leases, lease, System.nanoTime(), ttl, onLost);
  }

  private static ScheduledExecutorService daemon(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().name(name).daemon(true).unstarted(r));
  }

  private void renew() {
    long sent = System.nanoTime();
    try {
      current = leases.renew(current, ttl);
      renewedAtNanos = sent;
    } catch (StaleLeaseException e) {
      end(e);
    } catch (RuntimeException e) {
      log.warn("renewing the lease of account {} failed; retrying", current.account(), e);
    }
  }

  /**
   * Throws the loss when the lease is lost or its deadline has passed (then the loss is declared
   * here, as the watchdog would), so that {@code next}, a step that would act for the account, is
   * not taken.
   */
  void ensureHeld(String next) {
    checkExpiry();
    StaleLeaseException e = lost;
    if (e != null) {
      StaleLeaseException refused =
          new StaleLeaseException(
              "the lease of account "
                  + current.account().value()
                  + " is lost, so this runner does not go on to "
                  + next
                  + ": "
                  + e.getMessage());
      refused.addSuppressed(e);
      throw refused;
    }
  }

  private void checkExpiry() {
    if (lost != null) {
      return;
    }
    long unrenewed = System.nanoTime() - renewedAtNanos;
    if (unrenewed >= ttl.toNanos() / 10 * 9) {
      end(
          new StaleLeaseException(
              "the lease of account "
                  + current.account().value()
                  + " was taken or last renewed by a request sent "
                  + Duration.ofNanos(unrenewed).toMillis()
                  + " ms ago, of its "
                  + ttl.toMillis()
                  + " ms: it may expire and be taken by another runner"));
    }
  }

  private void end(StaleLeaseException e) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    lost = e;
    log.error("the lease of account {} is lost: {}; stopping", current.account(), e.getMessage());
    timer.shutdown();
    watchdog.shutdown();
    onLost.run();
  }

  /**
   * A fenced write found the lease taken before a renewal did: the lease ends here just as a stale
   * renewal would end it, so the runner's health, metrics and alerts all say it is lost.
   */
  void fencedOut(StaleLeaseException e) {
    end(Objects.requireNonNull(e, "e"));
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
    ended.set(true);
    timer.shutdownNow();
    watchdog.shutdownNow();
  }
}
