package io.positionkeeper.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class MigrationsIT {

  @Test
  void givenEmptyDatabase_migrate_createsEveryTableOfTheMonitoringSchema() throws SQLException {
    DataSource db = TestDatabases.emptyDatabase();

    int applied = Migrations.migrate(db);

    assertThat(applied).isPositive();
    assertThat(tables(db))
        .contains(
            "positions",
            "events",
            "trailing_stop_state",
            "dead_letter_events",
            "signals",
            "flyway_schema_history");
  }

  @Test
  void givenMigratedDatabase_migrateAgain_appliesNothingAndValidatePasses() {
    DataSource db = TestDatabases.emptyDatabase();
    Migrations.migrate(db);

    assertThat(Migrations.migrate(db)).isZero();
    Migrations.validate(db);
  }

  @Test
  void givenEmptyDatabase_validate_failsBecauseMigrationsArePending() {
    DataSource db = TestDatabases.emptyDatabase();

    assertThatThrownBy(() -> Migrations.validate(db))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("do not match this build");
  }

  @Test
  void givenAppliedMigrationChangedSince_validateAndMigrate_refuse() throws SQLException {
    DataSource db = TestDatabases.emptyDatabase();
    Migrations.migrate(db);
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE monitoring.flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
    }

    assertThatThrownBy(() -> Migrations.validate(db))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("checksum");
    assertThatThrownBy(() -> Migrations.migrate(db)).hasMessageContaining("checksum");
  }

  private static List<String> tables(DataSource db) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'monitoring'")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
