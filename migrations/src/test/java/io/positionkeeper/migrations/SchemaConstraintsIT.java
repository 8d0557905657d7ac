package io.positionkeeper.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/** The schema itself refuses bad states, whoever writes: not only our adapter. */
class SchemaConstraintsIT {
  private static DataSource db;
  private static final java.util.concurrent.atomic.AtomicLong NEXT_ORDER =
      new java.util.concurrent.atomic.AtomicLong(10_000);

  @BeforeAll
  static void migrate() {
    db = TestDatabases.emptyDatabase();
    Migrations.migrate(db);
  }

  @BeforeEach
  void clean() throws SQLException {
    // The trail refuses TRUNCATE (V5); a test's clean-up runs with triggers off.
    sql(
        "SET session_replication_role = replica; TRUNCATE monitoring.events, monitoring.trailing_stop_state, monitoring.positions,"
            + " monitoring.signals, monitoring.dead_letter_events;"
            + " RESET session_replication_role");
  }

  @Test
  void secondOpenPosition_onSameExchangeAndSymbol_isRefused() throws SQLException {
    long first = openPosition("BINANCE", "BTCUSDT");

    assertRefused(
        () -> openPosition("BINANCE", "BTCUSDT"), "positions_one_open_per_account_symbol");

    // Another venue is another position; a closed one no longer counts.
    openPosition("BYBIT", "BTCUSDT");
    sql(
        "UPDATE monitoring.positions SET status = 'CLOSED', exit_price = 1, realized_pnl = 0,"
            + " close_reason = 'MANUAL', closed_at = now() WHERE id = "
            + first);
    openPosition("BINANCE", "BTCUSDT");
  }

  @Test
  void closedPosition_withoutExitPrice_isRefused() throws SQLException {
    long id = openPosition("BINANCE", "ETHUSDT");

    assertRefused(
        () ->
            sql(
                "UPDATE monitoring.positions SET status = 'CLOSED', realized_pnl = 0,"
                    + " close_reason = 'MANUAL', closed_at = now() WHERE id = "
                    + id),
        "positions_closed_check");
  }

  @Test
  void phantomClose_mayLackExitPriceAndPnl_butNoOtherClose_andNoCloseItsReasonOrTime()
      throws SQLException {
    long phantom = openPosition("BINANCE", "ETHUSDT");
    long manual = openPosition("BINANCE", "BTCUSDT");

    sql(
        "UPDATE monitoring.positions SET status = 'CLOSED', close_reason = 'PHANTOM',"
            + " closed_at = now() WHERE id = "
            + phantom);

    assertRefused(
        () ->
            sql(
                "UPDATE monitoring.positions SET status = 'CLOSED', exit_price = 1,"
                    + " close_reason = 'MANUAL', closed_at = now() WHERE id = "
                    + manual),
        "positions_closed_check");
    assertRefused(
        () ->
            sql(
                "UPDATE monitoring.positions SET status = 'CLOSED', close_reason = 'PHANTOM'"
                    + " WHERE id = "
                    + manual),
        "positions_closed_check");
    assertRefused(
        () ->
            sql(
                "UPDATE monitoring.positions SET status = 'CLOSED', closed_at = now(),"
                    + " exit_price = 1, realized_pnl = 0 WHERE id = "
                    + manual),
        "positions_closed_check");
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT status, exit_price, realized_pnl FROM monitoring.positions WHERE id = "
                    + phantom)) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("CLOSED");
      assertThat(rs.getBigDecimal(2)).isNull();
      assertThat(rs.getBigDecimal(3)).isNull();
    }
  }

  @Test
  void finishedPosition_cannotBeReopened() throws SQLException {
    long id = openPosition("BINANCE", "ETHUSDT");
    sql(
        "UPDATE monitoring.positions SET status = 'ROLLED_BACK', note = 'no fill',"
            + " closed_at = now() WHERE id = "
            + id);

    assertRefused(
        () ->
            sql(
                "UPDATE monitoring.positions SET status = 'ACTIVE', note = NULL, closed_at = NULL"
                    + " WHERE id = "
                    + id),
        "positions_finished_is_final");
  }

  @Test
  void position_withBlankExchangeOrderId_orLowerCaseStatus_isRefused() {
    assertRefused(
        () ->
            sql(
                "INSERT INTO monitoring.positions (account, exchange, symbol, side, quantity, entry_price,"
                    + " status, exchange_order_id, opened_at, updated_at) VALUES ('default', 'BINANCE',"
                    + " 'BTCUSDT', 'LONG', 1, 1, 'ACTIVE', '  ', now(), now())"),
        "positions_exchange_order_id_check");
    assertRefused(
        () ->
            sql(
                "INSERT INTO monitoring.positions (account, exchange, symbol, side, quantity, entry_price,"
                    + " status, exchange_order_id, opened_at, updated_at) VALUES ('default', 'BINANCE',"
                    + " 'BTCUSDT', 'LONG', 1, 1, 'active', '1', now(), now())"),
        "positions_status_check");
  }

  @Test
  void positionLookup_byEntryClientOrderId_usesItsIndex() throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET enable_seqscan = off");
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs =
          s.executeQuery(
              "EXPLAIN SELECT * FROM monitoring.positions"
                  + " WHERE entry_client_order_id = 'pko-abc'")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      } finally {
        s.execute("RESET enable_seqscan");
      }
      assertThat(plan.toString()).contains("positions_entry_client_order_id_idx");
    }
  }

  @Test
  void decimals_comeBackExactlyAsWritten_withoutRounding() throws SQLException {
    long id = openPosition("BINANCE", "PEPEUSDT");
    BigDecimal tiny = new BigDecimal("0.000000000000000000000123");
    BigDecimal scaled = new BigDecimal("1.50");
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE monitoring.positions SET quantity = ?, entry_price = ? WHERE id = ?")) {
      ps.setBigDecimal(1, tiny);
      ps.setBigDecimal(2, scaled);
      ps.setLong(3, id);
      ps.executeUpdate();
    }
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT quantity, entry_price FROM monitoring.positions WHERE id = " + id)) {
      rs.next();
      assertThat(rs.getBigDecimal(1)).isEqualTo(tiny);
      assertThat(rs.getBigDecimal(2)).isEqualTo(scaled);
    }
  }

  @Test
  void events_areAppendOnly_andReferenceExistingPositions() throws SQLException {
    long id = openPosition("BYBIT", "SOLUSDT");
    sql(event("e-1", Long.toString(id), "'{}'"));

    assertRefused(
        () -> sql("UPDATE monitoring.events SET severity = 'DEBUG'"), "events_append_only");
    assertRefused(() -> sql("DELETE FROM monitoring.events"), "events_append_only");
    assertRefused(() -> sql(event("e-2", "987654321", "'{}'")), "events_position_account_fkey");
    assertRefused(() -> sql(event("e-3", "NULL", "'[1]'")), "events_payload_check");
    assertRefused(() -> sql(event("e-1", "NULL", "'{}'")), "events_event_id_key");
  }

  /** V15: an event naming a position belongs to that position's account. */
  @Test
  void anEventOfAnotherAccountThanItsPositions_isRefused_oneWithoutPositionIsNot()
      throws SQLException {
    long id = openPosition("BINANCE", "ADAUSDT");
    String ofB = event("e-b", Long.toString(id), "'{}'").replace("('default'", "('acct-b'");

    assertRefused(() -> sql(ofB), "events_position_account_fkey");
    sql(event("e-own", Long.toString(id), "'{}'"));
    sql(event("e-b-none", "NULL", "'{}'").replace("('default'", "('acct-b'"));
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint"
                    + " WHERE conrelid = 'monitoring.events'::regclass AND contype = 'f'")) {
      rs.next();
      // V17: the id-only key of V1 is gone, implied by the validated (position_id, account) key.
      assertThat(rs.getString(1)).isEqualTo("events_position_account_fkey");
    }
  }

  @Test
  void signal_completedWithoutClaim_isRefused() {
    assertRefused(
        () ->
            sql(
                "INSERT INTO monitoring.signals (exchange, symbol, side, size, size_unit,"
                    + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent,"
                    + " completed_at, outcome) VALUES ('BINANCE', 'BTCUSDT', 'LONG', 1, 'BASE', 2,"
                    + " 1, 0.5, now(), 'OPENED')"),
        "signals_completion_check");
  }

  // ------------------------------------------------------------------ V8 and V9: accounts

  @Test
  void oneOpenPositionPerAccountExchangeAndSymbol_twoAccountsMayHoldTheSameSymbol()
      throws SQLException {
    sql(
        POSITION_COLUMNS
            + "('acct-a','BINANCE','XRPUSDT','LONG',1,1,'ACTIVE','901',NULL,NULL,now(),now())");
    sql(
        POSITION_COLUMNS
            + "('acct-b','BINANCE','XRPUSDT','LONG',1,1,'ACTIVE','902',NULL,NULL,now(),now())");
    assertRefused(
        () ->
            sql(
                POSITION_COLUMNS
                    + "('acct-a','BINANCE','XRPUSDT','SHORT',1,1,'ACTIVE','903',NULL,NULL,now(),now())"),
        "positions_one_open_per_account_symbol");
  }

  @Test
  void aRowWithoutAnAccount_orWithAMalformedOne_isRefused() {
    assertRefused(
        () ->
            sql(
                "INSERT INTO monitoring.positions (exchange, symbol, side, quantity, entry_price,"
                    + " status, exchange_order_id, opened_at, updated_at) VALUES ('BINANCE',"
                    + " 'ADAUSDT', 'LONG', 1, 1, 'ACTIVE', '904', now(), now())"),
        null);
    assertRefused(
        () ->
            sql(
                POSITION_COLUMNS
                    + "('acct a','BINANCE','ADAUSDT','LONG',1,1,'ACTIVE','905',NULL,NULL,now(),now())"),
        "positions_account_check");
  }

  @Test
  void aTrailingStateOfAnotherAccountThanItsPosition_isRefused() throws SQLException {
    sql(
        POSITION_COLUMNS
            + "('acct-a','BINANCE','DOTUSDT','LONG',1,1,'ACTIVE','906',NULL,NULL,now(),now())");
    long id = lastPosition();
    assertRefused(
        () ->
            sql(
                trailing(id, "DOTUSDT", "LONG")
                    .replace("VALUES ('default', ", "VALUES ('acct-b', ")),
        "trailing_stop_state_matches_position");
    sql(trailing(id, "DOTUSDT", "LONG").replace("VALUES ('default', ", "VALUES ('acct-a', "));
  }

  // ------------------------------------------------------------------ V5 and V6

  private static final String POSITION_COLUMNS =
      "INSERT INTO monitoring.positions (account, exchange, symbol, side, quantity, entry_price, status,"
          + " exchange_order_id, entry_client_order_id, signal_id, opened_at, updated_at) VALUES ";

  private static String close(long id) {
    return "UPDATE monitoring.positions SET status = 'CLOSED', exit_price = 1, realized_pnl = 0,"
        + " close_reason = 'MANUAL', closed_at = now() WHERE id = "
        + id;
  }

  @Test
  void nanAndInfinity_inPricesQuantitiesAndPnl_areRefused() throws SQLException {
    long id = openPosition("BINANCE", "BTCUSDT");
    for (String bad :
        List.of(
            "quantity = 'NaN'",
            "entry_price = 'Infinity'",
            "stop_client_id = 'pk-s', stop_price = 'NaN'")) {
      assertRefused(
          () -> sql("UPDATE monitoring.positions SET " + bad + " WHERE id = " + id),
          "positions_numbers_finite_check");
    }
    assertRefused(
        () ->
            sql(
                "UPDATE monitoring.positions SET status = 'CLOSED', exit_price = 1, realized_pnl ="
                    + " '-Infinity', close_reason = 'MANUAL', closed_at = now() WHERE id = "
                    + id),
        "positions_numbers_finite_check");
  }

  @Test
  void openPosition_withQuantityZero_isRefused() throws SQLException {
    long id = openPosition("BINANCE", "BTCUSDT");
    assertRefused(
        () -> sql("UPDATE monitoring.positions SET quantity = 0 WHERE id = " + id),
        "positions_open_quantity_check");
  }

  @Test
  void closedBeforeOpened_isRefused() throws SQLException {
    long id = openPosition("BINANCE", "BTCUSDT");
    assertRefused(
        () ->
            sql(
                "UPDATE monitoring.positions SET status = 'CLOSED', exit_price = 1, realized_pnl ="
                    + " 0, close_reason = 'MANUAL', closed_at = opened_at - interval '1 second'"
                    + " WHERE id = "
                    + id),
        "positions_closed_after_opened_check");
  }

  @Test
  void closingPosition_cannotGoBackToActive() throws SQLException {
    long id = openPosition("BINANCE", "BTCUSDT");
    sql("UPDATE monitoring.positions SET status = 'CLOSING' WHERE id = " + id);
    assertRefused(
        () -> sql("UPDATE monitoring.positions SET status = 'ACTIVE' WHERE id = " + id),
        "positions_closing_is_one_way");
  }

  @Test
  void theSameVenueEntry_storedTwice_isRefused_evenAfterAClose_butNotAfterARollback()
      throws SQLException {
    sql(
        POSITION_COLUMNS
            + "('default','BINANCE','BTCUSDT','LONG',1,1,'ACTIVE','777',NULL,NULL,now(),now())");
    long first = lastPosition();
    sql(close(first));
    assertRefused(
        () ->
            sql(
                POSITION_COLUMNS
                    + "('default','BINANCE','BTCUSDT','LONG',1,1,'ACTIVE','777',NULL,NULL,now(),now())"),
        "positions_one_row_per_entry_order");
    // Another venue's order 777 is another entry.
    sql(
        POSITION_COLUMNS
            + "('default','BYBIT','BTCUSDT','LONG',1,1,'ACTIVE','777',NULL,NULL,now(),now())");
    // A rolled-back opening never held the position: the same entry may be adopted afterwards.
    sql(
        POSITION_COLUMNS
            + "('default','BINANCE','ETHUSDT','LONG',1,1,'ACTIVE','888',NULL,NULL,now(),now())");
    sql(
        "UPDATE monitoring.positions SET status = 'ROLLED_BACK', note = 'x', closed_at = now()"
            + " WHERE id = "
            + lastPosition());
    sql(
        POSITION_COLUMNS
            + "('default','BINANCE','ETHUSDT','LONG',1,1,'ACTIVE','888',NULL,NULL,now(),now())");
  }

  @Test
  void anEntryClientOrderId_reusedAfterACloseOrOnAnotherSymbol_isRefused() throws SQLException {
    sql(
        POSITION_COLUMNS
            + "('default','BINANCE','BTCUSDT','LONG',1,1,'ACTIVE','1','pk-a',NULL,now(),now())");
    assertRefused(
        () ->
            sql(
                POSITION_COLUMNS
                    + "('default','BINANCE','ETHUSDT','LONG',1,1,'ACTIVE','2','pk-a',NULL,now(),now())"),
        "positions_one_row_per_account_entry_client_order_id");
    sql(close(lastPosition()));
    assertRefused(
        () ->
            sql(
                POSITION_COLUMNS
                    + "('default','BINANCE','BTCUSDT','LONG',1,1,'ACTIVE','3','pk-a',NULL,now(),now())"),
        "positions_one_row_per_account_entry_client_order_id");
  }

  @Test
  void aSignal_opensOnePositionAtMost() throws SQLException {
    sql(
        POSITION_COLUMNS
            + "('default','BINANCE','BTCUSDT','LONG',1,1,'ACTIVE','1',NULL,'42',now(),now())");
    assertRefused(
        () ->
            sql(
                POSITION_COLUMNS
                    + "('default','BINANCE','ETHUSDT','LONG',1,1,'ACTIVE','2',NULL,'42',now(),now())"),
        "positions_one_per_signal");
  }

  @Test
  void trailingState_forAClosedPosition_orAnotherSymbolOrSide_isRefused() throws SQLException {
    long id = openPosition("BINANCE", "BTCUSDT");
    assertRefused(
        () -> sql(trailing(id, "ETHUSDT", "LONG")), "trailing_stop_state_matches_position");
    assertRefused(
        () -> sql(trailing(id, "BTCUSDT", "SHORT")), "trailing_stop_state_matches_position");
    sql(trailing(id, "BTCUSDT", "LONG"));
    sql("DELETE FROM monitoring.trailing_stop_state");
    sql(close(id));
    assertRefused(() -> sql(trailing(id, "BTCUSDT", "LONG")), "trailing_stop_state_position_open");
  }

  private static String trailing(long positionId, String symbol, String side) {
    return "INSERT INTO monitoring.trailing_stop_state (account, position_id, symbol, side, entry_price,"
        + " activation_price, callback_rate, status, peak, update_count, last_saved_peak,"
        + " last_saved_at) VALUES ('default', "
        + positionId
        + ", '"
        + symbol
        + "', '"
        + side
        + "', 100, 101, 1, 'INACTIVE', 100, 0, 100, now())";
  }

  @Test
  void theTrail_cannotBeTruncated() {
    assertRefused(() -> sql("TRUNCATE monitoring.events CASCADE"), "events_append_only");
  }

  @Test
  void signals_withNanOrInfiniteNumbers_orALowerCaseLetterOfAnyScript_areRefused() {
    for (String size : List.of("'NaN'", "'Infinity'")) {
      assertRefused(() -> sql(signal("BTCUSDT", size)), "signals_numbers_finite_check");
    }
    assertRefused(() -> sql(signal("BTCéUSDT", "1")), "signals_symbol_letters_check");
  }

  @Test
  void signals_withACaselessLetterSymbol_areAccepted_asTheModelAcceptsThem() throws SQLException {
    sql(signal("币安USDT", "1"));
  }

  private static String signal(String symbol, String size) {
    return "INSERT INTO monitoring.signals (exchange, symbol, side, size, size_unit,"
        + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent) VALUES"
        + " ('BINANCE', '"
        + symbol
        + "', 'LONG', "
        + size
        + ", 'BASE', 2, 1, 0.5)";
  }

  @Test
  void aCorrelationKeyLongerThanTheJournalsBound_isRefused() {
    String key = "k".repeat(201);
    assertRefused(
        () ->
            sql(
                "INSERT INTO monitoring.events (account, event_id, correlation_key, exchange, type,"
                    + " severity, payload, event_time) VALUES ('default', 'e-long', '"
                    + key
                    + "', 'BYBIT', 'T', 'INFO', '{}', now())"),
        "events_correlation_key_length_check");
  }

  private static long lastPosition() throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT max(id) FROM monitoring.positions")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String event(String eventId, String positionId, String payload) {
    return "INSERT INTO monitoring.events (account, event_id, position_id, correlation_key, exchange, type,"
        + " severity, payload, event_time) VALUES ('default', '"
        + eventId
        + "', "
        + positionId
        + ", 'k', 'BYBIT', 'T', 'INFO', "
        + payload
        + ", now())";
  }

  private static long openPosition(String exchange, String symbol) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO monitoring.positions (account, exchange, symbol, side, quantity, entry_price,"
                    + " status, exchange_order_id, opened_at, updated_at)"
                    + " VALUES ('default', ?, ?, 'LONG', 1, 100, 'ACTIVE', ?, now(), now()) RETURNING"
                    + " id")) {
      ps.setString(1, exchange);
      ps.setString(2, symbol);
      ps.setString(3, Long.toString(NEXT_ORDER.incrementAndGet()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static void assertRefused(ThrowingCallable call, String constraint) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            PSQLException.class,
            e -> {
              assertThat(e.getSQLState()).startsWith("23");
              assertThat(e.getServerErrorMessage().getConstraint()).isEqualTo(constraint);
            });
  }
}
