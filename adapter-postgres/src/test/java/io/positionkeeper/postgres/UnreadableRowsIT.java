package io.positionkeeper.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import io.positionkeeper.ports.model.TrailingStopState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rows the Java model cannot read, as a database made before V5's checks may hold them (the test
 * lifts a check for the insert and puts it back NOT VALID, as such an upgraded database has it):
 * one of them never stops the others from loading, and a bad signal never stops the queue.
 */
class UnreadableRowsIT {
  private final List<String> reported = new ArrayList<>();

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  private void report(String table, long id, String reason) {
    reported.add(table + " " + id + ": " + reason);
  }

  /** Runs {@code insert} with {@code constraint} of {@code table} lifted, then adds it back. */
  private static void withoutCheck(String table, String constraint, String insert) {
    String definition =
        TestDatabase.jooq(
            ctx ->
                ctx.fetchOne(
                        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = ?",
                        constraint)
                    .get(0, String.class));
    TestDatabase.sql("ALTER TABLE monitoring." + table + " DROP CONSTRAINT " + constraint);
    try {
      TestDatabase.sql(insert);
    } finally {
      TestDatabase.sql(
          "ALTER TABLE monitoring."
              + table
              + " ADD CONSTRAINT "
              + constraint
              + " "
              + definition
              + " NOT VALID");
    }
  }

  private static String signal(String symbol, String size) {
    return "INSERT INTO monitoring.signals (exchange, symbol, side, size, size_unit,"
        + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent, created_at)"
        + " VALUES ('BINANCE', '"
        + symbol
        + "', 'LONG', "
        + size
        + ", 'BASE', 2, 1, 0.5, now() - interval '1 hour')";
  }

  @Test
  void aNanSignalAndANonAsciiLowerCaseSymbol_areCompletedRejected_andLaterSignalsFlow() {
    withoutCheck("signals", "signals_numbers_finite_check", signal("BTCUSDT", "'NaN'"));
    withoutCheck("signals", "signals_symbol_letters_check", signal("BTC\u00e9USDT", "1"));
    TestDatabase.sql(
        "INSERT INTO monitoring.signals (exchange, symbol, side, size, size_unit,"
            + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
            + " VALUES ('BINANCE', 'ETHUSDT', 'SHORT', 2, 'BASE', 2, 1, 0.5)");
    JooqSignalSource source = new JooqSignalSource(TestDatabase.pool(), "runner-a");

    List<Signal> first = source.claim(1);
    List<Signal> second = source.claim(1);
    List<Signal> third = source.claim(5);

    List<Signal> all = new ArrayList<>(first);
    all.addAll(second);
    all.addAll(third);
    assertThat(all)
        .singleElement()
        .satisfies(s -> assertThat(s.symbol().value()).isEqualTo("ETHUSDT"));
    List<String> rejected =
        TestDatabase.jooq(
            ctx ->
                ctx.fetch(
                        "SELECT outcome || ' ' || detail FROM monitoring.signals"
                            + " WHERE outcome IS NOT NULL ORDER BY id")
                    .getValues(0, String.class));
    assertThat(rejected).hasSize(2);
    assertThat(rejected.get(0)).startsWith("REJECTED").contains("UNREADABLE_SIGNAL");
    assertThat(rejected.get(1)).startsWith("REJECTED").contains("symbol must be");
    source.complete(all.getFirst().id(), SignalOutcome.OPENED, "ok");
  }

  @Test
  void anOpenPositionWithANanQuantity_isReported_andTheOthersLoad() {
    JooqPositionStore store = new JooqPositionStore(TestDatabase.pool(), this::report);
    long good =
        store.insert(
            Fixtures.position(io.positionkeeper.ports.model.Exchange.BINANCE, "BTCUSDT"),
            Fixtures.event("POSITION_OPENED"));
    withoutCheck(
        "positions",
        "positions_numbers_finite_check",
        "INSERT INTO monitoring.positions (account, exchange, symbol, side, quantity, entry_price, status,"
            + " exchange_order_id, opened_at, updated_at) VALUES ('default', 'BINANCE', 'ETHUSDT', 'LONG',"
            + " 'NaN', 1, 'ACTIVE', 'x-1', now(), now())");
    withoutCheck(
        "positions",
        "positions_symbol_letters_check",
        "INSERT INTO monitoring.positions (account, exchange, symbol, side, quantity, entry_price, status,"
            + " exchange_order_id, opened_at, updated_at) VALUES ('default', 'BINANCE', 'SOL\u00e9USDT',"
            + " 'LONG', 1, 1, 'ACTIVE', 'x-2', now(), now())");

    List<PositionRecord> open = store.loadOpen();

    assertThat(open).extracting(PositionRecord::id).containsExactly(good);
    assertThat(reported).hasSize(2).allMatch(r -> r.startsWith("positions "));
  }

  @Test
  void aTrailingStateTheModelRefuses_isReported_andTheOthersLoad() {
    JooqPositionStore positions = new JooqPositionStore(TestDatabase.pool());
    long a =
        positions.insert(
            Fixtures.position(io.positionkeeper.ports.model.Exchange.BINANCE, "BTCUSDT"),
            Fixtures.event("POSITION_OPENED"));
    long b =
        positions.insert(
            Fixtures.position(io.positionkeeper.ports.model.Exchange.BYBIT, "BTCUSDT"),
            Fixtures.event("POSITION_OPENED"));
    JooqTrailingStopStore store = new JooqTrailingStopStore(TestDatabase.pool(), this::report);
    for (long id : List.of(a, b)) {
      TestDatabase.sql(
          "INSERT INTO monitoring.trailing_stop_state (account, position_id, symbol, side, entry_price,"
              + " activation_price, callback_rate, status, peak, update_count, last_saved_peak,"
              + " last_saved_at) VALUES ('default', "
              + id
              + ", 'BTCUSDT', 'LONG', 100, 101, 1, 'INACTIVE', 100, 0, 100, now())");
    }
    withoutCheck(
        "trailing_stop_state",
        "trailing_stop_state_numbers_finite_check",
        "UPDATE monitoring.trailing_stop_state SET peak = 'NaN' WHERE position_id = " + b);

    List<TrailingStopState> states = store.loadAll();

    assertThat(states).extracting(TrailingStopState::positionId).containsExactly(a);
    assertThat(reported).singleElement().asString().startsWith("trailing_stop_state " + b);
  }
}
