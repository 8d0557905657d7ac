package io.positionkeeper.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.PositionStatus;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fence holds for a write in flight: runner B taking the account over waits until runner A's
 * write that already passed the fence has committed, and A's writes after that are refused. So no
 * write of the old epoch can land after the new epoch was granted.
 */
class LeaseFenceInFlightIT {

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  @Test
  void aTakeOver_waitsForTheOldHoldersWriteInFlight_andRefusesItsNextOne() throws Exception {
    JooqAccountLease leases = new JooqAccountLease(TestDatabase.pool());
    AccountId account = AccountId.of("acct-" + UUID.randomUUID());
    Lease a = leases.acquire(account, "runner-a", Duration.ofMillis(300));
    JooqPositionStore storeOfA = new JooqPositionStore(TestDatabase.pool(), a);
    long id =
        storeOfA.insert(
            Fixtures.position(Exchange.BINANCE, "BTCUSDT"), Fixtures.event("POSITION_OPENED"));

    try (Connection blocker = TestDatabase.pool().getConnection()) {
      // A's next write passes the fence, then waits for this row lock: a write in flight.
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("SELECT 1 FROM monitoring.positions WHERE id = " + id + " FOR UPDATE");
      }
      CompletableFuture<Void> writeOfA =
          CompletableFuture.runAsync(
              () -> storeOfA.markClosing(id, Fixtures.event("POSITION_CLOSING")));
      Thread.sleep(600); // A's lease has expired meanwhile; its write is still waiting
      CompletableFuture<Lease> takeOver =
          CompletableFuture.supplyAsync(
              () -> leases.acquire(account, "runner-b", Duration.ofMinutes(5)));

      Thread.sleep(500);
      assertThat(writeOfA).isNotDone();
      assertThat(takeOver).as("B waits for A's write in flight").isNotDone();

      blocker.rollback();
      writeOfA.get(10, TimeUnit.SECONDS);
      Lease b = takeOver.get(10, TimeUnit.SECONDS);

      assertThat(b.epoch()).isGreaterThan(a.epoch());
    }
    JooqPositionStore storeOfB = new JooqPositionStore(TestDatabase.pool(), a.account());
    assertThat(storeOfB.find(id).orElseThrow().status()).isEqualTo(PositionStatus.CLOSING);
    assertThatThrownBy(
            () ->
                storeOfA.close(
                    id,
                    new io.positionkeeper.ports.model.PositionClose(
                        java.math.BigDecimal.ONE,
                        java.math.BigDecimal.ZERO,
                        io.positionkeeper.ports.model.CloseReason.MANUAL,
                        Fixtures.T0.plusSeconds(60)),
                    Fixtures.event("POSITION_CLOSED")))
        .isInstanceOf(StaleLeaseException.class);
    assertThat(storeOfB.find(id).orElseThrow().status()).isEqualTo(PositionStatus.CLOSING);
  }
}
