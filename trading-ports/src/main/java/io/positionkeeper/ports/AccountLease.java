package io.positionkeeper.ports;

import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Lease;
import java.time.Duration;

/**
 * One runner per account: a lease with an epoch that writes check. A runner acquires the lease
 * before acting, renews it well before it expires, and stops acting the moment a renewal or a check
 * says {@link StaleLeaseException}.
 */
public interface AccountLease {

  /**
   * Takes the account's lease for {@code ttl}, with a new epoch, if nobody else holds an unexpired
   * one; {@link RejectedException} with code {@code LEASE_HELD} otherwise (a standby tries later).
   */
  Lease acquire(AccountId account, String holder, Duration ttl);

  /**
   * Extends {@code lease} by {@code ttl} from now; {@link StaleLeaseException} if it is no longer
   * the current lease (it expired and was taken, or was released).
   */
  Lease renew(Lease lease, Duration ttl);

  /** {@link StaleLeaseException} unless {@code lease} is the current, unexpired lease. */
  void check(Lease lease);

  /** Gives the lease up (at shutdown); releasing a stale lease changes nothing. */
  void release(Lease lease);
}
