package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.fake.InMemoryAccountLease;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A store write the database fenced out ends the runner's lease before the keeper hears of it, so
 * the keeper's answer to the failed write (a rollback's close at market) cannot reach the venue.
 */
class FenceReportingStoreTest {
  private final InMemoryPositionStore db = new InMemoryPositionStore(new InMemoryAuditJournal());
  private final InMemoryAccountLease leases = new InMemoryAccountLease(Clock.system());

  private static AuditRecord closing() {
    return new AuditRecord(
        UUID.randomUUID().toString(),
        Instant.parse("2026-01-01T00:00:00Z"),
        Exchange.BINANCE,
        Optional.empty(),
        OptionalLong.of(1),
        "c-1",
        "POSITION_CLOSING",
        Severity.INFO,
        Map.of());
  }

  @Test
  void aFencedWrite_endsTheLease_andTheVenueRefusesTheNextWrite() {
    var lease = leases.acquire(AccountId.of("acc"), "me", Duration.ofSeconds(30));
    try (LeaseRenewal renewal = new LeaseRenewal(leases, lease, Duration.ofSeconds(30), () -> {})) {
      FenceReportingStore store = new FenceReportingStore(db, renewal::fencedOut);
      db.faults()
          .failNext(
              InMemoryPositionStore.Op.MARK_CLOSING,
              new StaleLeaseException("epoch 2 is current, not 1"));

      assertThatThrownBy(() -> store.markClosing(1, closing()))
          .isInstanceOf(StaleLeaseException.class);
      assertThat(renewal.lost()).hasMessageContaining("epoch 2 is current, not 1");
      assertThatThrownBy(() -> renewal.ensureHeld("close the fill at market"))
          .isInstanceOf(StaleLeaseException.class);
    }
  }

  @Test
  void aWriteThatFailsOtherwise_leavesTheLeaseHeld() {
    var lease = leases.acquire(AccountId.of("acc"), "me", Duration.ofSeconds(30));
    try (LeaseRenewal renewal = new LeaseRenewal(leases, lease, Duration.ofSeconds(30), () -> {})) {
      FenceReportingStore store = new FenceReportingStore(db, renewal::fencedOut);
      db.faults()
          .failNext(InMemoryPositionStore.Op.MARK_CLOSING, new PersistenceException("db down"));

      assertThatThrownBy(() -> store.markClosing(1, closing()))
          .isInstanceOf(PersistenceException.class);
      assertThat(renewal.lost()).isNull();
    }
  }
}
