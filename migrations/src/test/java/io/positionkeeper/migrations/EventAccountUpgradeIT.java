package io.positionkeeper.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * V14-V17: a database of V13 holding events upgrades to the (position_id, account) key; old events
 * that break it leave it NOT VALID and V1's id-only key in place, without failing the upgrade.
 */
class EventAccountUpgradeIT {

  @Test
  void eventsOfTheirPositionsAccount_validateTheKey_andTheIdOnlyKeyIsDropped() throws SQLException {
    DataSource db = databaseAt("13");
    long a = position(db, "acct-a");
    event(db, "acct-a", "e-1", Long.toString(a));
    event(db, "acct-b", "e-2", "NULL");

    Migrations.migrate(db);

    assertThat(keys(db)).isEqualTo("events_position_account_fkey=true");
    assertThat(count(db, "SELECT count(*) FROM monitoring.events")).isEqualTo(2);
    assertThatThrownBy(() -> event(db, "acct-b", "e-3", Long.toString(a)))
        .isInstanceOfSatisfying(
            PSQLException.class,
            e ->
                assertThat(e.getServerErrorMessage().getConstraint())
                    .isEqualTo("events_position_account_fkey"));
    assertThat(Migrations.migrate(db)).isZero();
  }

  @Test
  void anOldEventNamingAnotherAccountsPosition_leavesTheKeyNotValid_andKeepsTheIdOnlyKey()
      throws SQLException {
    DataSource db = databaseAt("13");
    long a = position(db, "acct-a");
    event(db, "acct-b", "e-bad", Long.toString(a));

    Migrations.migrate(db);

    Migrations.validate(db);
    assertThat(keys(db))
        .isEqualTo("events_position_account_fkey=false,events_position_id_fkey=true");
    // New rows are checked all the same.
    assertThatThrownBy(() -> event(db, "acct-b", "e-new", Long.toString(a)))
        .isInstanceOf(PSQLException.class);
    assertThat(count(db, "SELECT count(*) FROM monitoring.events")).isEqualTo(1);
  }

  private static DataSource databaseAt(String version) {
    DataSource db = TestDatabases.emptyDatabase();
    Flyway.configure()
        .dataSource(db)
        .schemas(Migrations.SCHEMA)
        .defaultSchema(Migrations.SCHEMA)
        .locations(Migrations.LOCATION)
        .target(version)
        .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
        .load()
        .migrate();
    return db;
  }

  private static long position(DataSource db, String account) throws SQLException {
    return count(
        db,
        "INSERT INTO monitoring.positions (account, exchange, symbol, side, quantity, entry_price,"
            + " status, exchange_order_id, opened_at, updated_at) VALUES ('"
            + account
            + "', 'BINANCE', 'BTCUSDT', 'LONG', 1, 100, 'ACTIVE', 'o-"
            + account
            + "', now(), now()) RETURNING id");
  }

  private static void event(DataSource db, String account, String eventId, String positionId)
      throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO monitoring.events (account, event_id, position_id, correlation_key,"
              + " exchange, type, severity, payload, event_time) VALUES ('"
              + account
              + "', '"
              + eventId
              + "', "
              + positionId
              + ", 'k', 'BINANCE', 'T', 'INFO', '{}', now())");
    }
  }

  private static String keys(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT string_agg(conname || '=' || convalidated, ',' ORDER BY conname)"
                    + " FROM pg_constraint WHERE conrelid = 'monitoring.events'::regclass"
                    + " AND contype = 'f'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long count(DataSource db, String query) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
