package io.positionkeeper.runner.paper;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's paper session, end to end: bundled marks and signals through the real keeper on the
 * in-memory venue and an embedded PostgreSQL; the database is then reopened (the reuse path) and
 * the summary checked against it.
 */
class PaperRunIT {
  @TempDir Path home;

  @Test
  void bundledSession_opensTrailsAndClosesPositions_andTheSummaryMatchesTheDatabase()
      throws Exception {
    var out = new ByteArrayOutputStream();
    PaperOptions options = new PaperOptions(home, true, Optional.empty(), Optional.empty());
    PaperSummary summary =
        new PaperSession(options, Progress.forOutput(new PrintStream(out, true), false)).run();

    try (EmbeddedDatabase db = EmbeddedDatabase.start(options.databaseDirectory(), false);
        HikariDataSource pool =
            PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"))) {
      List<String> rows =
          strings(
              pool,
              "SELECT symbol || ' ' || side || ' ' || status || ' ' || coalesce(close_reason, '-')"
                  + " FROM monitoring.positions ORDER BY id");
      assertThat(rows)
          .containsExactly(
              "BTCUSDT LONG CLOSED TRAILING_STOP",
              "ETHUSDT SHORT CLOSED TRAILING_STOP",
              "SOLUSDT LONG CLOSED STOP_LOSS",
              "SOLUSDT SHORT ACTIVE -");
      assertThat(summary.positions()).hasSize(rows.size());
      assertThat(summary.eventsWritten())
          .isEqualTo(
              Long.parseLong(strings(pool, "SELECT count(*) FROM monitoring.events").get(0)));
      assertThat(summary.stopMoves()).isPositive();
      assertThat(strings(pool, "SELECT count(*) FROM monitoring.events WHERE severity = 'ERROR'"))
          .containsExactly("0");
      // The position still open at the end keeps its trailing state for the next start.
      assertThat(
              strings(
                  pool,
                  "SELECT count(*) FROM monitoring.trailing_stop_state t JOIN monitoring.positions p"
                      + " ON p.id = t.position_id WHERE p.status = 'ACTIVE'"))
          .containsExactly("1");
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("progress 100%");
    assertThat(summary.render()).contains("TRAILING_STOP", "STOP_LOSS", "realized PnL");
  }

  private static List<String> strings(HikariDataSource pool, String sql) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        values.add(r.getString(1));
      }
    }
    return values;
  }
}
