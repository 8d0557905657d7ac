package io.positionkeeper.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * V11/V12: a database of V10 holding dead letters upgrades with each dead letter's account filled
 * where it can be known, and left unknown (NULL, the check NOT VALID) where it cannot.
 */
class DeadLetterAccountUpgradeIT {

  @Test
  void aDeadLetterNamingAPosition_getsThatPositionsAccount_theOthersStayUnknownWithTwoAccounts()
      throws SQLException {
    DataSource db = databaseAt("10");
    long ofA = position(db, "acct-a", "BTCUSDT");
    long ofB = position(db, "acct-b", "BTCUSDT");
    deadLetter(db, "dl-a", "{\"eventId\":\"dl-a\",\"positionId\":" + ofA + "}");
    deadLetter(db, "dl-b", "{\"eventId\":\"dl-b\",\"positionId\":" + ofB + "}");
    deadLetter(db, "dl-none", "{\"eventId\":\"dl-none\",\"positionId\":null}");
    deadLetter(db, "dl-gone", "{\"eventId\":\"dl-gone\",\"positionId\":999999}");
    deadLetter(db, "dl-odd", "[1, 2]");

    Migrations.migrate(db);

    Migrations.validate(db);
    assertThat(accounts(db))
        .containsExactly(
            "dl-a=acct-a", "dl-b=acct-b", "dl-none=null", "dl-gone=null", "dl-odd=null");
    assertThat(checkValidated(db)).isFalse();
    // New rows are checked all the same: a dead letter without an account is refused.
    assertThatThrownBy(() -> deadLetter(db, "dl-new", "{}"))
        .isInstanceOfSatisfying(
            PSQLException.class,
            e ->
                assertThat(e.getServerErrorMessage().getConstraint())
                    .isEqualTo("dead_letter_events_account_check"));
    assertThat(Migrations.migrate(db)).isZero();
  }

  @Test
  void withOneAccountOnly_everyOldDeadLetterGetsIt_andTheCheckIsValidated() throws SQLException {
    DataSource db = databaseAt("10");
    long p = position(db, "default", "ETHUSDT");
    sql(
        db,
        "INSERT INTO monitoring.events (account, event_id, position_id, correlation_key, exchange,"
            + " type, severity, payload, event_time) VALUES ('default', 'e-1', "
            + p
            + ", 'pk', 'BINANCE', 'T', 'INFO', '{}', now())");
    deadLetter(db, "dl-1", "{\"eventId\":\"dl-1\",\"positionId\":null}");
    deadLetter(db, "dl-2", "{\"eventId\":\"dl-2\",\"positionId\":" + p + "}");

    Migrations.migrate(db);

    assertThat(accounts(db)).containsExactly("dl-1=default", "dl-2=default");
    assertThat(checkValidated(db)).isTrue();
  }

  @Test
  void anEmptyDatabaseOfOneAccountElsewhere_fillsThatAccount_unlessAnEventNamesAnother()
      throws SQLException {
    DataSource db = databaseAt("10");
    position(db, "acct-a", "SOLUSDT");
    sql(
        db,
        "INSERT INTO monitoring.events (account, event_id, correlation_key, exchange, type,"
            + " severity, payload, event_time) VALUES ('acct-z', 'e-z', 'pk', 'BINANCE', 'T',"
            + " 'INFO', '{}', now())");
    deadLetter(db, "dl-1", "{\"eventId\":\"dl-1\"}");

    Migrations.migrate(db);

    // positions say acct-a, an event says acct-z: two accounts, so nothing is guessed.
    assertThat(accounts(db)).containsExactly("dl-1=null");
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

  private static long position(DataSource db, String account, String symbol) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "INSERT INTO monitoring.positions (account, exchange, symbol, side, quantity,"
                    + " entry_price, status, exchange_order_id, opened_at, updated_at) VALUES ('"
                    + account
                    + "', 'BINANCE', '"
                    + symbol
                    + "', 'LONG', 1, 100, 'ACTIVE', '"
                    + account
                    + symbol
                    + "', now(), now()) RETURNING id")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void deadLetter(DataSource db, String eventId, String record) throws SQLException {
    sql(
        db,
        "INSERT INTO monitoring.dead_letter_events (event_id, correlation_key, exchange, type,"
            + " event_time, record, reason) VALUES ('"
            + eventId
            + "', 'pk', 'BINANCE', 'T', now(), '"
            + record
            + "', 'refused')");
  }

  private static List<String> accounts(DataSource db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT event_id, account FROM monitoring.dead_letter_events ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getString(1) + "=" + rs.getString(2));
      }
    }
    return out;
  }

  private static boolean checkValidated(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT convalidated FROM pg_constraint"
                    + " WHERE conname = 'dead_letter_events_account_check'")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static void sql(DataSource db, String statement) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
