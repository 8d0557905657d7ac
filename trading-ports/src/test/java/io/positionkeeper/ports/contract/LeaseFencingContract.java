package io.positionkeeper.ports.contract;

import static io.positionkeeper.ports.contract.ContractData.event;
import static io.positionkeeper.ports.contract.ContractData.newPosition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.AccountLease;
import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import io.positionkeeper.ports.model.Symbol;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stores bound to a lease write only while it is the account's current lease: runner A holds epoch
 * 1, its lease expires and runner B takes the account over (epoch 2); from then on every write of A
 * is refused with {@link StaleLeaseException} and writes nothing, while B's pass. Subclasses give
 * stores on one (empty) database and the leases they are checked against.
 */
public abstract class LeaseFencingContract {
  private static final Duration LONG = Duration.ofMinutes(5);
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Symbol ETH = Symbol.of("ETHUSDT");

  protected abstract AccountLease leases();

  /** An account no other test of this run uses. */
  protected abstract AccountId freshAccount();

  /** Lets {@code d} pass on the lease's clock. */
  protected abstract void pass(Duration d);

  /** A lease time that {@link #pass} can outlast quickly. */
  protected Duration shortTtl() {
    return Duration.ofMillis(300);
  }

  protected abstract PositionStore positions(Lease lease);

  protected abstract TrailingStopStore trailing(Lease lease);

  protected abstract SignalSource signals(Lease lease);

  protected abstract void addSignal(AccountId account, Signal signal);

  protected abstract AuditJournal journal(Lease lease);

  protected abstract List<AuditRecord> storedRecords(AccountId account);

  /** A's lease (epoch 1 of a fresh account), then B's after A's expired (a higher epoch). */
  private Lease[] takenOver() {
    AccountId account = freshAccount();
    Lease a = leases().acquire(account, "runner-a", shortTtl());
    pass(shortTtl().multipliedBy(2));
    Lease b = leases().acquire(account, "runner-b", LONG);
    assertThat(b.epoch()).isGreaterThan(a.epoch());
    return new Lease[] {a, b};
  }

  @Test
  void positionWrites_ofTheOldEpoch_areRefused_andTheNewEpochsPass() {
    AccountId account = freshAccount();
    Lease a = leases().acquire(account, "runner-a", shortTtl());
    long held = positions(a).insert(newPosition(BTC, PositionSide.LONG), event("POSITION_CREATED"));
    pass(shortTtl().multipliedBy(2));
    Lease b = leases().acquire(account, "runner-b", LONG);

    assertThatThrownBy(
            () ->
                positions(a).insert(newPosition(ETH, PositionSide.LONG), event("POSITION_CREATED")))
        .isInstanceOfSatisfying(
            StaleLeaseException.class, e -> assertThat(e.code()).isEqualTo("STALE_LEASE"));
    assertThatThrownBy(() -> positions(a).markClosing(held, event("POSITION_CLOSING")))
        .isInstanceOf(StaleLeaseException.class);
    assertThat(positions(b).loadOpen()).extracting(r -> r.id()).containsExactly(held);
    assertThat(positions(b).find(held).orElseThrow().status()).isEqualTo(PositionStatus.ACTIVE);

    positions(b).markClosing(held, event("POSITION_CLOSING"));
    positions(b).insert(newPosition(ETH, PositionSide.LONG), event("POSITION_CREATED"));
    assertThat(positions(b).loadOpen()).hasSize(2);
  }

  @Test
  void journalAppends_ofTheOldEpoch_areRefusedWhole_andTheNewEpochsPass() {
    Lease[] leases = takenOver();
    AuditRecord stale = event("STOP_MOVED");
    AuditRecord current = event("STOP_MOVED");

    assertThatThrownBy(() -> journal(leases[0]).append(List.of(stale, event("STOP_MOVED"))))
        .isInstanceOf(StaleLeaseException.class);
    journal(leases[1]).append(List.of(current));

    assertThat(storedRecords(leases[1].account()))
        .extracting(AuditRecord::eventId)
        .containsExactly(current.eventId());
  }

  @Test
  void signalClaims_ofTheOldEpoch_areRefused_andLeaveTheSignalForTheNewHolder() {
    Lease[] leases = takenOver();
    addSignal(leases[0].account(), AccountScopeContract.signal(7));

    assertThatThrownBy(() -> signals(leases[0]).claim(10)).isInstanceOf(StaleLeaseException.class);
    SignalSource current = signals(leases[1]);
    assertThat(current.claim(10)).extracting(Signal::id).containsExactly(7L);
    current.complete(7, SignalOutcome.OPENED, "opened");
  }

  @Test
  void trailingWrites_ofTheOldEpoch_areRefused_andTheNewEpochsPass() {
    AccountId account = freshAccount();
    Lease a = leases().acquire(account, "runner-a", shortTtl());
    long id = positions(a).insert(newPosition(BTC, PositionSide.LONG), event("POSITION_CREATED"));
    trailing(a).save(AccountScopeContract.state(id));
    pass(shortTtl().multipliedBy(2));
    Lease b = leases().acquire(account, "runner-b", LONG);

    assertThatThrownBy(() -> trailing(a).save(AccountScopeContract.state(id)))
        .isInstanceOf(StaleLeaseException.class);
    assertThatThrownBy(() -> trailing(a).delete(id)).isInstanceOf(StaleLeaseException.class);
    assertThat(trailing(b).loadAll()).hasSize(1);

    trailing(b).delete(id);
    assertThat(trailing(b).loadAll()).isEmpty();
  }

  @Test
  void aLeaseExpiredThatNobodyTookOver_stillWrites() {
    // The epoch is the fence, not the clock: a late renewal must not refuse a safety write (a stop)
    // while no other runner acts for the account; the renewal is what stops the runner.
    AccountId account = freshAccount();
    Lease a = leases().acquire(account, "runner-a", shortTtl());
    pass(shortTtl().multipliedBy(2));

    long id = positions(a).insert(newPosition(BTC, PositionSide.LONG), event("POSITION_CREATED"));

    assertThat(positions(a).find(id)).isPresent();
  }
}
