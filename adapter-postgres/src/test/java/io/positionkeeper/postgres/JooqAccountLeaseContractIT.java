package io.positionkeeper.postgres;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.contract.AccountLeaseContract;
import io.positionkeeper.ports.model.AccountId;
import java.time.Duration;
import java.util.UUID;

/**
 * The lease contract on PostgreSQL. The lease runs on the database's clock, so letting time pass is
 * waiting: the lease times here are a few hundred milliseconds.
 */
class JooqAccountLeaseContractIT extends AccountLeaseContract {
  private final JooqAccountLease leases = new JooqAccountLease(TestDatabase.pool());

  @Override
  protected AccountLease leases() {
    return leases;
  }

  @Override
  protected AccountId freshAccount() {
    return AccountId.of("acct-" + UUID.randomUUID());
  }

  @Override
  protected void pass(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
