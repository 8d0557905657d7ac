package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.Fixtures.T0;
import static io.positionkeeper.postgres.Fixtures.event;
import static io.positionkeeper.postgres.Fixtures.position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.CloseReason;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionClose;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionStatus;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the contract does not cover: PostgreSQL specifics of the position store. */
class JooqPositionStoreIT {
  private JooqPositionStore store;

  @BeforeEach
  void setUp() {
    store = new JooqPositionStore(TestDatabase.pool());
    TestDatabase.clean();
  }

  @Test
  void insert_storesRowAndCreationEventWithTheNewId_exactlyAsGiven() {
    AuditRecord created = event("POSITION_OPENED");

    var given = position(Exchange.BINANCE, "BTCUSDT");
    long id = store.insert(given, created);

    PositionRecord row = store.find(id).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(row.exchangeOrderId()).isEqualTo(given.exchangeOrderId());
    // Exact decimals, scale included: not rounded, not padded to a column's scale.
    assertThat(row.quantity()).isEqualTo(new BigDecimal("0.015"));
    assertThat(row.entryPrice()).isEqualTo(new BigDecimal("67234.10"));
    assertThat(row.openedAt()).isEqualTo(T0);
    assertThat(TestDatabase.eventsOf(id)).containsExactly(created.withPositionId(id));
  }

  @Test
  void insert_whoseEventIsRefused_leavesNoRow() {
    AuditRecord poisoned =
        event("POSITION_OPENED", OptionalLong.empty(), Map.of("note", "nul \u0000 inside"));

    assertThatThrownBy(() -> store.insert(position(Exchange.BINANCE, "BTCUSDT"), poisoned))
        .isInstanceOf(RejectedException.class);

    assertThat(TestDatabase.positionCount()).isZero();
    assertThat(TestDatabase.events()).isEmpty();
  }

  @Test
  void change_whoseEventIsRefused_leavesTheRowAsItWas() {
    long id = store.insert(position(Exchange.BYBIT, "ETHUSDT"), event("POSITION_OPENED"));
    PositionRecord before = store.find(id).orElseThrow();
    AuditRecord poisoned = event("POSITION_UPDATED", OptionalLong.of(id), Map.of("bad", "\u0000"));

    assertThatThrownBy(
            () ->
                store.updatePosition(
                    id, PositionSide.SHORT, BigDecimal.TEN, BigDecimal.ONE, poisoned))
        .isInstanceOf(RejectedException.class);

    assertThat(store.find(id)).contains(before);
    assertThat(TestDatabase.eventsOf(id)).hasSize(1);
  }

  @Test
  void secondOpenPosition_onSameSymbol_isRejectedWithTheFakesCode() {
    store.insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_OPENED"));

    assertThatThrownBy(
            () -> store.insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_OPENED")))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("UNIQUE_OPEN_POSITION"));
    assertThat(TestDatabase.positionCount()).isEqualTo(1);
  }

  @Test
  void closedPosition_refusesEveryChange_andFreesItsSymbol() {
    long id = store.insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_OPENED"));
    store.close(
        id,
        new PositionClose(
            new BigDecimal("66000.5"), new BigDecimal("-18.354"), CloseReason.STOP_LOSS, T0),
        event("POSITION_CLOSED"));

    assertThatThrownBy(() -> store.markClosing(id, event("POSITION_CLOSING")))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("ILLEGAL_TRANSITION"));
    assertThatThrownBy(
            () ->
                store.recordStop(
                    id, ClientOrderId.of("pk-stop-1"), BigDecimal.ONE, event("STOP_PLACED")))
        .isInstanceOf(RejectedException.class);
    assertThat(TestDatabase.eventsOf(id))
        .extracting(AuditRecord::type)
        .containsExactly("POSITION_OPENED", "POSITION_CLOSED");

    long next = store.insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_OPENED"));
    assertThat(store.loadOpen()).extracting(PositionRecord::id).containsExactly(next);
  }

  @Test
  void changeOfMissingPosition_isRejectedAsNotFound_andWritesNoEvent() {
    assertThatThrownBy(() -> store.markClosing(987_654L, event("POSITION_CLOSING")))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("NOT_FOUND"));
    assertThat(TestDatabase.events()).isEmpty();
  }

  @Test
  void rolledBack_keepsTheReason_andClosedRowReadsBackComplete() {
    long id = store.insert(position(Exchange.PAPER, "SOLUSDT"), event("POSITION_OPENED"));
    store.recordStop(
        id, ClientOrderId.of("pk-stop-SOLUSDT"), new BigDecimal("140.25"), event("STOP_PLACED"));

    store.markRolledBack(id, "stop-loss could not be placed", event("POSITION_ROLLED_BACK"));

    PositionRecord row = store.find(id).orElseThrow();
    assertThat(row.status()).isEqualTo(PositionStatus.ROLLED_BACK);
    assertThat(row.note()).contains("stop-loss could not be placed");
    assertThat(row.closedAt()).contains(T0);
    assertThat(row.stopClientId()).contains(ClientOrderId.of("pk-stop-SOLUSDT"));
    assertThat(row.stopPrice()).contains(new BigDecimal("140.25"));
    assertThat(row.closeReason()).isEqualTo(Optional.empty());
    assertThat(store.loadOpen()).isEmpty();
  }

  @Test
  void eventAboutAnotherPosition_isAProgrammingError() {
    long id = store.insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_OPENED"));

    assertThatThrownBy(
            () -> store.markClosing(id, event("POSITION_CLOSING", OptionalLong.of(id + 1))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
