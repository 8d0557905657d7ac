package io.positionkeeper.runner;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The runner tests' direct reads and writes of the database, beside what the runner does. */
public final class TestSql {
  private TestSql() {}

  /** Runs one statement. */
  public static void execute(DataSource db, String statement) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /** The first column of the first row, or null when the query has no row. */
  public static String one(DataSource db, String query) {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(query)) {
      return r.next() ? r.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(query, e);
    }
  }
}
