package io.positionkeeper.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A database made by an earlier version, with data, upgrades to the latest and keeps its data. */
class UpgradeIT {

  @ParameterizedTest
  @ValueSource(strings = {"1", "2", "3", "4", "5", "6", "7"})
  void aPopulatedDatabaseOfAnEarlierVersion_upgradesToTheLatest_keepingEveryRow(String version)
      throws SQLException {
    DataSource db = TestDatabases.emptyDatabase();
    Flyway.configure()
        .dataSource(db)
        .schemas(Migrations.SCHEMA)
        .defaultSchema(Migrations.SCHEMA)
        .locations(Migrations.LOCATION)
        .target(version)
        .configuration(java.util.Map.of("flyway.postgresql.transactional.lock", "false"))
        .load()
        .migrate();
    populate(db);

    int applied = Migrations.migrate(db);

    assertThat(applied).isPositive();
    Migrations.validate(db);
    assertThat(count(db, "monitoring.positions")).isEqualTo(3);
    assertThat(count(db, "monitoring.events")).isEqualTo(2);
    assertThat(count(db, "monitoring.trailing_stop_state")).isEqualTo(1);
    assertThat(count(db, "monitoring.signals")).isEqualTo(2);
    // V8: every row of the single-account past belongs to the 'default' account.
    for (String table : new String[] {"positions", "events", "trailing_stop_state", "signals"}) {
      assertThat(count(db, "monitoring." + table + " WHERE account <> 'default'"))
          .as(table)
          .isZero();
    }
    // V12: the dead letters of a single-account database belong to that account.
    assertThat(count(db, "monitoring.dead_letter_events WHERE account = 'default'")).isEqualTo(2);
    // V14-V17: the old events (all 'default', as their positions) validate the (position_id,
    // account) key, and V1's id-only key is gone.
    assertThat(
            count(
                db,
                "pg_constraint WHERE conrelid = 'monitoring.events'::regclass AND contype = 'f'"
                    + " AND conname = 'events_position_account_fkey' AND convalidated"))
        .isEqualTo(1);
    assertThat(count(db, "pg_constraint WHERE conname = 'events_position_id_fkey'")).isZero();
    // Upgrading again changes nothing.
    assertThat(Migrations.migrate(db)).isZero();
  }

  /**
   * An old row that breaks a new check (a NaN size the old schema accepted) does not fail the
   * upgrade: that check stays NOT VALID, guarding new rows only, and the row stays for a person.
   */
  @ParameterizedTest
  @ValueSource(strings = {"4"})
  void anOldRowThatBreaksANewCheck_leavesThatCheckNotValid_andTheUpgradeCompletes(String version)
      throws SQLException {
    DataSource db = TestDatabases.emptyDatabase();
    Flyway.configure()
        .dataSource(db)
        .schemas(Migrations.SCHEMA)
        .defaultSchema(Migrations.SCHEMA)
        .locations(Migrations.LOCATION)
        .target(version)
        .configuration(java.util.Map.of("flyway.postgresql.transactional.lock", "false"))
        .load()
        .migrate();
    sql(db, signal("'NaN'"));

    Migrations.migrate(db);

    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT conname, convalidated FROM pg_constraint WHERE conname IN"
                    + " ('signals_numbers_finite_check', 'positions_numbers_finite_check')"
                    + " ORDER BY conname")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("positions_numbers_finite_check");
      assertThat(rs.getBoolean(2)).isTrue();
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("signals_numbers_finite_check");
      assertThat(rs.getBoolean(2)).isFalse();
    }
    assertThat(count(db, "monitoring.signals")).isEqualTo(1);
  }

  private static void populate(DataSource db) throws SQLException {
    sql(
        db,
        "INSERT INTO monitoring.positions (exchange, symbol, side, quantity, entry_price, status,"
            + " exchange_order_id, entry_client_order_id, opened_at, updated_at) VALUES"
            + " ('BINANCE','BTCUSDT','LONG',1,100,'ACTIVE','1','pk-1',now(),now()),"
            + " ('BINANCE','ETHUSDT','SHORT',2,10,'CLOSING','2','pk-2',now(),now()),"
            + " ('BYBIT','SOLUSDT','LONG',3,5,'ACTIVE','3',NULL,now(),now())");
    sql(
        db,
        "UPDATE monitoring.positions SET status = 'CLOSED', exit_price = 6, realized_pnl = 3,"
            + " close_reason = 'MANUAL', closed_at = now() WHERE symbol = 'SOLUSDT'");
    sql(
        db,
        "INSERT INTO monitoring.events (event_id, position_id, correlation_key, exchange, type,"
            + " severity, payload, event_time) SELECT 'e-' || id, id, 'pk', 'BINANCE', 'T',"
            + " 'INFO', '{}', now() FROM monitoring.positions WHERE exchange = 'BINANCE'");
    sql(
        db,
        "INSERT INTO monitoring.trailing_stop_state (position_id, symbol, side, entry_price,"
            + " activation_price, callback_rate, status, peak, update_count, last_saved_peak,"
            + " last_saved_at) SELECT id, symbol, side, 100, 101, 1, 'INACTIVE', 100, 0, 100,"
            + " now() FROM monitoring.positions WHERE symbol = 'BTCUSDT'");
    sql(db, signal("1"));
    sql(db, signal("2.5"));
    sql(
        db,
        "INSERT INTO monitoring.dead_letter_events (event_id, correlation_key, exchange, type,"
            + " event_time, record, reason) SELECT 'dl-' || id, 'pk', 'BINANCE', 'T', now(),"
            + " json_build_object('eventId', 'dl-' || id, 'positionId', id), 'refused'"
            + " FROM monitoring.positions WHERE symbol = 'BTCUSDT'"
            + " UNION ALL SELECT 'dl-none', 'pk', 'BINANCE', 'T', now(), '{}', 'refused'");
  }

  private static String signal(String size) {
    return "INSERT INTO monitoring.signals (exchange, symbol, side, size, size_unit,"
        + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent) VALUES"
        + " ('BINANCE', 'BTCUSDT', 'LONG', "
        + size
        + ", 'BASE', 2, 1, 0.5)";
  }

  private static void sql(DataSource db, String statement) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static long count(DataSource db, String table) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
