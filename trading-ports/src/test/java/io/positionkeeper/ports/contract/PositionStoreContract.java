package io.positionkeeper.ports.contract;

import static io.positionkeeper.ports.contract.ContractData.T0;
import static io.positionkeeper.ports.contract.ContractData.event;
import static io.positionkeeper.ports.contract.ContractData.newPosition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.NewPosition;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What every {@link PositionStore} promises; subclasses give a store over an empty database. */
public abstract class PositionStoreContract {

  protected abstract PositionStore store();

  /** The audit records stored about a position id (in the order they were stored). */
  protected abstract List<AuditRecord> storedEvents(long positionId);

  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Symbol ETH = Symbol.of("ETHUSDT");

  private long insertBtc() {
    return store().insert(newPosition(BTC, PositionSide.LONG), event("POSITION_CREATED"));
  }

  @Test
  void insert_returnsAPositiveId_andStoresTheRowActive_withItsEventCarryingTheId() {
    AuditRecord created = event("POSITION_CREATED");
    NewPosition given = newPosition(BTC, PositionSide.LONG);

    long id = store().insert(given, created);

    assertThat(id).isPositive();
    PositionRecord row = store().find(id).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(row.symbol()).isEqualTo(BTC);
    assertThat(row.side()).isEqualTo(PositionSide.LONG);
    assertThat(row.quantity()).isEqualByComparingTo("0.000123456789012345");
    assertThat(row.entryPrice()).isEqualByComparingTo("64123.456789");
    assertThat(row.exchangeOrderId()).isEqualTo(given.exchangeOrderId());
    assertThat(row.signalId()).isEqualTo(given.signalId());
    assertThat(row.openedAt()).isEqualTo(T0);
    assertThat(storedEvents(id))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.eventId()).isEqualTo(created.eventId());
              assertThat(e.positionId()).isEqualTo(OptionalLong.of(id));
              assertThat(e.correlationKey()).isEqualTo(created.correlationKey());
            });
  }

  @Test
  void insert_ofASecondOpenPositionOnTheSameSymbol_isRejected_andWritesNothing() {
    insertBtc();
    AuditRecord second = event("POSITION_CREATED");

    assertThatThrownBy(() -> store().insert(newPosition(BTC, PositionSide.SHORT), second))
        .isInstanceOf(RejectedException.class);
    assertThat(store().loadOpen()).hasSize(1);
  }

  @Test
  void insert_onASymbolWhosePositionWasClosed_isAccepted() {
    long first = insertBtc();
    store()
        .close(
            first,
            new PositionClose(new BigDecimal("65000"), BigDecimal.TEN, CloseReason.MANUAL, T0),
            event("POSITION_CLOSED"));

    long second = insertBtc();

    assertThat(second).isNotEqualTo(first);
  }

  @Test
  void insert_withAnEventThatAlreadyNamesAPosition_isRefused() {
    assertThatThrownBy(
            () ->
                store()
                    .insert(
                        newPosition(BTC, PositionSide.LONG),
                        event("POSITION_CREATED", OptionalLong.of(7), "pk-x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void loadOpen_returnsActiveAndClosing_butNotClosedOrRolledBack() {
    long active = insertBtc();
    long closing = store().insert(newPosition(ETH, PositionSide.SHORT), event("POSITION_CREATED"));
    store().markClosing(closing, event("POSITION_CLOSING"));
    long closed =
        store()
            .insert(
                newPosition(Symbol.of("SOLUSDT"), PositionSide.LONG), event("POSITION_CREATED"));
    store()
        .close(
            closed,
            new PositionClose(BigDecimal.ONE, BigDecimal.ZERO, CloseReason.PHANTOM, T0),
            event("PHANTOM_CLOSED"));
    long rolledBack =
        store()
            .insert(
                newPosition(Symbol.of("XRPUSDT"), PositionSide.LONG), event("POSITION_CREATED"));
    store().markRolledBack(rolledBack, "stop-loss rejected", event("ROLLED_BACK"));

    assertThat(store().loadOpen())
        .extracting(PositionRecord::id, PositionRecord::status)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(active, PositionStatus.ACTIVE),
            org.assertj.core.groups.Tuple.tuple(closing, PositionStatus.CLOSING));
  }

  @Test
  void updatePosition_setsSideQuantityAndEntry_andStoresTheEvent() {
    long id = insertBtc();
    AuditRecord changed = event("POSITION_UPDATED");

    store()
        .updatePosition(
            id, PositionSide.SHORT, new BigDecimal("2.5"), new BigDecimal("100.25"), changed);

    PositionRecord row = store().find(id).orElseThrow();
    assertThat(row.side()).isEqualTo(PositionSide.SHORT);
    assertThat(row.quantity()).isEqualByComparingTo("2.5");
    assertThat(row.entryPrice()).isEqualByComparingTo("100.25");
    assertThat(storedEvents(id)).extracting(AuditRecord::eventId).contains(changed.eventId());
  }

  @Test
  void recordStop_storesTheStopClientIdAndPrice() {
    long id = insertBtc();

    store()
        .recordStop(
            id, ClientOrderId.of("pk-sl-1"), new BigDecimal("60000.1"), event("STOP_PLACED"));

    PositionRecord row = store().find(id).orElseThrow();
    assertThat(row.stopClientId()).contains(ClientOrderId.of("pk-sl-1"));
    assertThat(row.stopPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("60000.1"));
  }

  @Test
  void close_storesExitPricePnlReasonAndTime() {
    long id = insertBtc();

    store()
        .close(
            id,
            new PositionClose(
                new BigDecimal("60000"),
                new BigDecimal("-0.5"),
                CloseReason.STOP_LOSS,
                T0.plusSeconds(60)),
            event("POSITION_CLOSED"));

    PositionRecord row = store().find(id).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row.exitPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("60000"));
    assertThat(row.realizedPnl())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("-0.5"));
    assertThat(row.closeReason()).contains(CloseReason.STOP_LOSS);
    assertThat(row.closedAt()).contains(T0.plusSeconds(60));
  }

  @Test
  void close_ofAPhantomWhoseExitIsUnknown_isStoredWithoutExitPriceAndPnl() {
    long id = insertBtc();
    AuditRecord closed = event("PHANTOM_CLOSED");

    store()
        .close(
            id,
            new PositionClose(
                Optional.empty(), Optional.empty(), CloseReason.PHANTOM, T0.plusSeconds(60)),
            closed);

    PositionRecord row = store().find(id).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.CLOSED);
    assertThat(row.exitPrice()).isEmpty();
    assertThat(row.realizedPnl()).isEmpty();
    assertThat(row.closeReason()).contains(CloseReason.PHANTOM);
    assertThat(row.closedAt()).contains(T0.plusSeconds(60));
    assertThat(storedEvents(id)).extracting(AuditRecord::eventId).contains(closed.eventId());
  }

  @Test
  void close_ofAPhantomWithAKnownExitPriceButNoPnl_keepsWhatIsKnown() {
    long id = insertBtc();

    store()
        .close(
            id,
            new PositionClose(
                Optional.of(new BigDecimal("61000.5")), Optional.empty(), CloseReason.PHANTOM, T0),
            event("PHANTOM_CLOSED"));

    PositionRecord row = store().find(id).orElseThrow();
    assertThat(row.exitPrice())
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("61000.5"));
    assertThat(row.realizedPnl()).isEmpty();
  }

  @Test
  void close_withoutExitPriceOrPnl_forAnyReasonButPhantom_isRejected_andLeavesTheRowOpen() {
    long id = insertBtc();
    AuditRecord noPrice = event("POSITION_CLOSED");
    AuditRecord noPnl = event("POSITION_CLOSED");

    assertThatThrownBy(
            () ->
                store()
                    .close(
                        id,
                        new PositionClose(
                            Optional.empty(), Optional.of(BigDecimal.ZERO), CloseReason.MANUAL, T0),
                        noPrice))
        .isInstanceOf(RejectedException.class)
        .extracting(e -> ((RejectedException) e).code())
        .isEqualTo("positions_closed_check");
    assertThatThrownBy(
            () ->
                store()
                    .close(
                        id,
                        new PositionClose(
                            Optional.of(BigDecimal.ONE),
                            Optional.empty(),
                            CloseReason.STOP_LOSS,
                            T0),
                        noPnl))
        .isInstanceOf(RejectedException.class);

    PositionRecord row = store().find(id).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(row.exitPrice()).isEmpty();
    assertThat(storedEvents(id))
        .extracting(AuditRecord::eventId)
        .doesNotContain(noPrice.eventId(), noPnl.eventId());
  }

  @Test
  void markRolledBack_storesTheStatusAndTheReason() {
    long id = insertBtc();

    store().markRolledBack(id, "stop-loss could not be placed", event("ROLLED_BACK"));

    PositionRecord row = store().find(id).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.ROLLED_BACK);
    assertThat(row.note()).contains("stop-loss could not be placed");
  }

  @Test
  void changingAMissingPosition_isRejected() {
    assertThatThrownBy(() -> store().markClosing(987_654_321L, event("POSITION_CLOSING")))
        .isInstanceOf(RejectedException.class);
  }

  @Test
  void changingAClosedPosition_isRejected_andLeavesItClosed() {
    long id = insertBtc();
    store()
        .close(
            id,
            new PositionClose(BigDecimal.ONE, BigDecimal.ZERO, CloseReason.MANUAL, T0),
            event("POSITION_CLOSED"));

    assertThatThrownBy(
            () ->
                store()
                    .updatePosition(
                        id,
                        PositionSide.LONG,
                        BigDecimal.ONE,
                        BigDecimal.ONE,
                        event("POSITION_UPDATED")))
        .isInstanceOf(RejectedException.class);
    assertThat(store().find(id).orElseThrow().status()).isEqualTo(PositionStatus.CLOSED);
  }

  @Test
  void aChangeWhoseEventNamesAnotherPosition_isRefused() {
    long id = insertBtc();

    assertThatThrownBy(
            () ->
                store().markClosing(id, event("POSITION_CLOSING", OptionalLong.of(id + 1), "pk-x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store().find(id).orElseThrow().status()).isEqualTo(PositionStatus.ACTIVE);
  }

  @Test
  void findByEntryOrder_afterInsert_findsTheRowThatCarriesThatEntryClientId() {
    long btc = insertBtc();
    NewPosition ethEntry = newPosition(ETH, PositionSide.SHORT);
    long eth = store().insert(ethEntry, event("POSITION_CREATED"));

    PositionRecord row =
        store().findByEntryOrder(ethEntry.entryClientOrderId().orElseThrow()).orElseThrow();

    assertThat(row.id()).isEqualTo(eth).isNotEqualTo(btc);
    assertThat(row.entryClientOrderId()).isEqualTo(ethEntry.entryClientOrderId());
    assertThat(row.status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(row).isEqualTo(store().find(eth).orElseThrow());
  }

  @Test
  void findByEntryOrder_ofAnUnknownEntryClientId_isEmpty() {
    insertBtc();

    assertThat(store().findByEntryOrder(ClientOrderId.of("pk-open-nothing"))).isEmpty();
  }

  @Test
  void findByEntryOrder_findsAClosedRow_andARolledBackRow() {
    NewPosition btcEntry = newPosition(BTC, PositionSide.LONG);
    long closed = store().insert(btcEntry, event("POSITION_CREATED"));
    store()
        .close(
            closed,
            new PositionClose(BigDecimal.ONE, BigDecimal.ZERO, CloseReason.MANUAL, T0),
            event("POSITION_CLOSED"));
    NewPosition ethEntry = newPosition(ETH, PositionSide.SHORT);
    long rolledBack = store().insert(ethEntry, event("POSITION_CREATED"));
    store().markRolledBack(rolledBack, "stop-loss rejected", event("ROLLED_BACK"));

    assertThat(store().findByEntryOrder(btcEntry.entryClientOrderId().orElseThrow()))
        .hasValueSatisfying(
            r -> {
              assertThat(r.id()).isEqualTo(closed);
              assertThat(r.status()).isEqualTo(PositionStatus.CLOSED);
            });
    assertThat(store().findByEntryOrder(ethEntry.entryClientOrderId().orElseThrow()))
        .hasValueSatisfying(
            r -> {
              assertThat(r.id()).isEqualTo(rolledBack);
              assertThat(r.status()).isEqualTo(PositionStatus.ROLLED_BACK);
            });
  }

  /**
   * A rolled-back opening never held the position: its entry (venue order and client id) may be
   * stored again, by the adoption of a position whose rollback could not close it; the newest row
   * is the one found.
   */
  @Test
  void findByEntryOrder_whenARolledBackRowCarriedTheSameEntry_returnsTheNewestRow() {
    NewPosition entry = newPosition(BTC, PositionSide.LONG);
    long first = store().insert(entry, event("POSITION_CREATED"));
    store().markRolledBack(first, "stop-loss rejected", event("ROLLED_BACK"));
    long second = store().insert(entry, event("POSITION_CREATED"));

    assertThat(store().findByEntryOrder(entry.entryClientOrderId().orElseThrow()))
        .hasValueSatisfying(r -> assertThat(r.id()).isEqualTo(second));
  }

  // ------------------------------------------------------------------ what the schema guards

  @Test
  void theSameVenueEntry_storedTwice_isRejected_evenAfterAClose() {
    long id = insertBtc();
    PositionRecord first = store().find(id).orElseThrow();
    store()
        .close(
            id,
            new PositionClose(BigDecimal.ONE, BigDecimal.ZERO, CloseReason.MANUAL, T0),
            event("POSITION_CLOSED"));
    NewPosition again =
        newPosition(
            BTC,
            PositionSide.LONG,
            first.exchangeOrderId(),
            ClientOrderId.of("pk-other-1"),
            "signal-other-1");

    assertThatThrownBy(() -> store().insert(again, event("POSITION_CREATED")))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> assertThat(e.code()).isEqualTo("positions_one_row_per_entry_order"));
  }

  @Test
  void anEntryClientOrderId_reusedOnAnotherSymbol_isRejected() {
    long id = insertBtc();
    PositionRecord first = store().find(id).orElseThrow();
    NewPosition reused =
        newPosition(
            ETH,
            PositionSide.LONG,
            ExchangeOrderId.of(1L),
            first.entryClientOrderId().orElseThrow(),
            "signal-other-2");

    assertThatThrownBy(() -> store().insert(reused, event("POSITION_CREATED")))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e ->
                assertThat(e.code())
                    .isEqualTo("positions_one_row_per_account_entry_client_order_id"));
  }

  @Test
  void aSignal_opensOnePositionAtMost() {
    long id = insertBtc();
    PositionRecord first = store().find(id).orElseThrow();
    NewPosition sameSignal =
        newPosition(
            ETH,
            PositionSide.LONG,
            ExchangeOrderId.of(2L),
            ClientOrderId.of("pk-other-3"),
            first.signalId().orElseThrow());

    assertThatThrownBy(() -> store().insert(sameSignal, event("POSITION_CREATED")))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> assertThat(e.code()).isEqualTo("positions_one_per_signal"));
  }

  @Test
  void anOpenPosition_withQuantityZero_isRejected() {
    long id = insertBtc();

    assertThatThrownBy(
            () ->
                store()
                    .updatePosition(
                        id,
                        PositionSide.LONG,
                        BigDecimal.ZERO,
                        BigDecimal.TEN,
                        event("POSITION_UPDATED")))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> assertThat(e.code()).isEqualTo("positions_open_quantity_check"));
    assertThat(store().find(id).orElseThrow().quantity()).isPositive();
  }

  @Test
  void aCloseBeforeTheOpening_isRejected() {
    long id = insertBtc();

    assertThatThrownBy(
            () ->
                store()
                    .close(
                        id,
                        new PositionClose(
                            BigDecimal.ONE,
                            BigDecimal.ZERO,
                            CloseReason.MANUAL,
                            T0.minusSeconds(1)),
                        event("POSITION_CLOSED")))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> assertThat(e.code()).isEqualTo("positions_closed_after_opened_check"));
    assertThat(store().find(id).orElseThrow().status()).isEqualTo(PositionStatus.ACTIVE);
  }

  @Test
  void find_ofAnUnknownId_isEmpty() {
    assertThat(store().find(123_456_789L)).isEmpty();
  }
}
