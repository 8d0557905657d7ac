package io.positionkeeper.ports.contract;

import static io.positionkeeper.ports.contract.ContractData.T0;
import static io.positionkeeper.ports.contract.ContractData.event;
import static io.positionkeeper.ports.contract.ContractData.newPosition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two accounts on one database never load or touch each other's rows: every store is bound to one
 * account. Subclasses give stores bound to an account, all on one (empty) database.
 */
public abstract class AccountScopeContract {
  protected static final AccountId A = AccountId.of("acct-a");
  protected static final AccountId B = AccountId.of("acct-b");
  private static final Symbol BTC = Symbol.of("BTCUSDT");

  protected abstract PositionStore positions(AccountId account);

  protected abstract TrailingStopStore trailing(AccountId account);

  protected abstract SignalSource signals(AccountId account);

  /** Adds a waiting signal of {@code account}, as a producer would. */
  protected abstract void addSignal(AccountId account, Signal signal);

  protected abstract AuditJournal journal(AccountId account);

  /** The audit records stored for {@code account}, in the order stored. */
  protected abstract List<AuditRecord> storedRecords(AccountId account);

  @Test
  void eachAccount_hasItsOwnOpenPositionOnOneSymbol_andLoadsOnlyItsOwn() {
    long a = positions(A).insert(newPosition(BTC, PositionSide.LONG), event("POSITION_CREATED"));
    long b = positions(B).insert(newPosition(BTC, PositionSide.SHORT), event("POSITION_CREATED"));

    assertThat(positions(A).loadOpen()).extracting(r -> r.id()).containsExactly(a);
    assertThat(positions(B).loadOpen()).extracting(r -> r.id()).containsExactly(b);
    assertThatThrownBy(
            () ->
                positions(A).insert(newPosition(BTC, PositionSide.LONG), event("POSITION_CREATED")))
        .isInstanceOf(RejectedException.class);
  }

  @Test
  void anotherAccountsPosition_isNotFound_andCannotBeChanged() {
    NewPosition opened = newPosition(BTC, PositionSide.LONG);
    long a = positions(A).insert(opened, event("POSITION_CREATED"));

    assertThat(positions(B).find(a)).isEmpty();
    assertThat(positions(B).findByEntryOrder(opened.entryClientOrderId().orElseThrow())).isEmpty();
    assertThatThrownBy(() -> positions(B).markClosing(a, event("POSITION_CLOSING")))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("NOT_FOUND"));
    assertThat(positions(A).find(a).orElseThrow().status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(positions(A).findByEntryOrder(opened.entryClientOrderId().orElseThrow()))
        .map(r -> r.id())
        .contains(a);
  }

  @Test
  void trailingStates_areLoadedPerAccount_andAnotherAccountsPositionIsRefused() {
    long a = positions(A).insert(newPosition(BTC, PositionSide.LONG), event("POSITION_CREATED"));
    TrailingStopState state = state(a);
    trailing(A).save(state);

    assertThat(trailing(B).loadAll()).isEmpty();
    assertThatThrownBy(() -> trailing(B).save(state)).isInstanceOf(RejectedException.class);
    trailing(B).delete(a);
    assertThat(trailing(A).loadAll()).containsExactly(state);
  }

  @Test
  void signals_areClaimedAndCompletedPerAccount() {
    addSignal(A, signal(1));
    addSignal(B, signal(2));

    assertThat(signals(B).claim(10)).extracting(Signal::id).containsExactly(2L);
    assertThat(signals(A).claim(10)).extracting(Signal::id).containsExactly(1L);
    assertThatThrownBy(() -> signals(B).complete(1, SignalOutcome.OPENED, "not mine"))
        .isInstanceOf(RejectedException.class);
  }

  @Test
  void auditRecords_areStoredUnderTheJournalsAccount() {
    AuditRecord ofA = event("STOP_MOVED");
    AuditRecord ofB = event("STOP_MOVED");

    journal(A).append(List.of(ofA));
    journal(B).append(List.of(ofB));

    assertThat(storedRecords(A)).extracting(AuditRecord::eventId).containsExactly(ofA.eventId());
    assertThat(storedRecords(B)).extracting(AuditRecord::eventId).containsExactly(ofB.eventId());
  }

  static Signal signal(long id) {
    return new Signal(
        id,
        Exchange.BINANCE,
        BTC,
        PositionSide.LONG,
        new BigDecimal("100"),
        SizeUnit.QUOTE,
        new BigDecimal("2"),
        new BigDecimal("1.5"),
        new BigDecimal("0.5"),
        T0.plusSeconds(id));
  }

  static TrailingStopState state(long positionId) {
    return new TrailingStopState(
        positionId,
        BTC,
        PositionSide.LONG,
        new BigDecimal("100.5"),
        new BigDecimal("101.5075"),
        new BigDecimal("0.5"),
        TrailingStatus.ACTIVE,
        new BigDecimal("102.25"),
        Optional.of(new BigDecimal("101.73")),
        3,
        Optional.of(T0),
        Optional.of(T0.plusSeconds(5)),
        new BigDecimal("102.0"),
        T0.plusSeconds(10));
  }
}
