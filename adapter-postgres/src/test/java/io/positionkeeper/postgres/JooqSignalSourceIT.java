package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.SIGNALS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.schema.tables.records.SignalsRecord;
import java.math.BigDecimal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JooqSignalSourceIT {
  private final JooqSignalSource source = new JooqSignalSource(TestDatabase.pool(), "runner-a");

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  @Test
  void aSignalInsertedByHand_withoutAnId_isClaimedAndCompleted_withWhoAndWhen() {
    TestDatabase.sql(
        "INSERT INTO monitoring.signals (exchange, symbol, side, size, size_unit,"
            + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
            + " VALUES ('BYBIT', 'ETHUSDT', 'SHORT', 0.25, 'BASE', 1.5, 0, 0.3)");

    Signal claimed = source.claim(10).getFirst();
    source.complete(claimed.id(), SignalOutcome.REJECTED, "a position is open on ETHUSDT");

    assertThat(claimed.exchange()).isEqualTo(Exchange.BYBIT);
    assertThat(claimed.side()).isEqualTo(PositionSide.SHORT);
    assertThat(claimed.size()).isEqualTo(new BigDecimal("0.25"));
    SignalsRecord row =
        TestDatabase.jooq(
            ctx -> ctx.selectFrom(SIGNALS).where(SIGNALS.ID.eq(claimed.id())).fetchSingle());
    assertThat(row.getClaimedBy()).isEqualTo("runner-a");
    assertThat(row.getClaimedAt()).isNotNull();
    assertThat(row.getCompletedAt()).isNotNull();
    assertThat(row.getOutcome()).isEqualTo(SignalOutcome.REJECTED);
    assertThat(row.getDetail()).isEqualTo("a position is open on ETHUSDT");
  }

  @Test
  void completingAnUnknownSignal_isRejectedAsNotClaimed() {
    assertThatThrownBy(() -> source.complete(424_242L, SignalOutcome.FAILED, null))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("NOT_CLAIMED"));
  }

  @Test
  void aClaimedSignalIsNeverHandedOutAgain_evenToAnotherRunner() {
    Signals.insert(
        new Signal(
            1,
            Exchange.BINANCE,
            Symbol.of("BTCUSDT"),
            PositionSide.LONG,
            BigDecimal.TEN,
            SizeUnit.QUOTE,
            BigDecimal.ONE,
            BigDecimal.ONE,
            BigDecimal.ONE,
            Fixtures.T0));
    assertThat(source.claim(5)).hasSize(1);

    assertThat(new JooqSignalSource(TestDatabase.pool(), "runner-b").claim(5)).isEmpty();
  }
}
