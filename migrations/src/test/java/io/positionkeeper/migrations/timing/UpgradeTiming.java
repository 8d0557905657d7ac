package io.positionkeeper.migrations.timing;

import io.positionkeeper.migrations.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * Times each pending migration on a large database: builds the schema of an earlier version on an
 * embedded PostgreSQL 17, fills it server-side (a few million events, positions with their events,
 * trailing states, signals, dead letters), then applies the later migrations one by one and prints
 * how long each took, as a Markdown table. Not a test: it asserts nothing and runs only when asked:
 *
 * <pre>
 * mvn -B -ntp -Pmigration-timing -pl migrations -am verify -DskipTests \
 *     -Dtiming.args="-Dtiming.from=10 -Dtiming.events=3000000"
 * </pre>
 *
 * <p>Properties: {@code timing.from} (the version the database is built at, default 7), {@code
 * timing.events} (default 3,000,000), {@code timing.positions} (default 100,000, of which 1,000
 * open), {@code timing.signals} (default 100,000), {@code timing.deadLetters} (default 10,000: half
 * name a position in their record, half none, as the audit writer's refusals do).
 *
 * <p>Every row is the single account's ({@code 'default'}), as a database that grew before accounts
 * existed: that is the case where V12 gives the dead letters that name no position the database's
 * one account, after asking the events whether any names another.
 */
public final class UpgradeTiming {
  private UpgradeTiming() {}

  /** How much the database holds before the upgrade. */
  public record Sizes(long events, long positions, long signals, long deadLetters) {
    public Sizes {
      if (positions < 1000) {
        throw new IllegalArgumentException(
            "at least 1,000 positions (1,000 are open): " + positions);
      }
    }
  }

  /** How long one migration took. */
  public record Step(String version, String description, double seconds) {}

  public static void main(String[] args) throws Exception {
    String from = System.getProperty("timing.from", "7");
    Sizes sizes =
        new Sizes(
            Long.getLong("timing.events", 3_000_000L),
            Long.getLong("timing.positions", 100_000L),
            Long.getLong("timing.signals", 100_000L),
            Long.getLong("timing.deadLetters", 10_000L));
    try (EmbeddedPostgres server = EmbeddedPostgres.builder().start()) {
      DataSource db = server.getPostgresDatabase();
      long start = System.nanoTime();
      build(db, from, sizes);
      double built = seconds(start);
      System.out.printf(
          Locale.ROOT,
          "%nDatabase at V%s: %,d events, %,d positions (1,000 open), %,d signals, %,d dead"
              + " letters, %s; built in %.1f s%n%n",
          from,
          sizes.events(),
          sizes.positions(),
          sizes.signals(),
          sizes.deadLetters(),
          one(db, "SELECT pg_size_pretty(pg_database_size(current_database()))"),
          built);
      System.out.println("| migration | time (s) |");
      System.out.println("|---|---|");
      for (Step step : upgrade(db)) {
        System.out.printf(
            Locale.ROOT, "| V%s %s | %.3f |%n", step.version(), step.description(), step.seconds());
      }
      Migrations.validate(db);
    }
  }

  /** Migrates the empty database {@code db} to version {@code from} and fills it. */
  public static void build(DataSource db, String from, Sizes sizes) throws SQLException {
    flyway(db, from).migrate();
    populate(db, sizes);
    sql(db, "VACUUM ANALYZE");
  }

  /** Applies the pending migrations one by one; returns each one's time. */
  public static List<Step> upgrade(DataSource db) {
    List<Step> steps = new ArrayList<>();
    for (MigrationInfo pending : flyway(db, null).info().pending()) {
      String version = pending.getVersion().getVersion();
      long t = System.nanoTime();
      flyway(db, version).migrate();
      steps.add(new Step(version, pending.getDescription(), seconds(t)));
    }
    return steps;
  }

  private static void populate(DataSource db, Sizes sizes) throws SQLException {
    long positions = sizes.positions();
    // From V8 on, positions, trailing states and events name their account (no default).
    boolean accounts = hasColumn(db, "positions", "account");
    String account = accounts ? "account, " : "";
    String accountValue = accounts ? "'default', " : "";
    // Positions: the first 1,000 open (one per symbol), the others closed.
    sql(
        db,
        "INSERT INTO monitoring.positions ("
            + account
            + "exchange, symbol, side, quantity, entry_price, status,"
            + " exchange_order_id, entry_client_order_id, exit_price, realized_pnl, close_reason,"
            + " opened_at, updated_at, closed_at)"
            + " SELECT "
            + accountValue
            + "'BINANCE', 'SYM' || g, 'LONG', 1, 100,"
            + " CASE WHEN g <= 1000 THEN 'ACTIVE' ELSE 'CLOSED' END, g::text, 'pk-' || g,"
            + " CASE WHEN g <= 1000 THEN NULL ELSE 101 END,"
            + " CASE WHEN g <= 1000 THEN NULL ELSE 1 END,"
            + " CASE WHEN g <= 1000 THEN NULL ELSE 'TRAILING_STOP' END,"
            + " now() - interval '1 day', now() - interval '1 day',"
            + " CASE WHEN g <= 1000 THEN NULL ELSE now() END"
            + " FROM generate_series(1, "
            + positions
            + ") g");
    sql(
        db,
        "INSERT INTO monitoring.trailing_stop_state ("
            + account
            + "position_id, symbol, side, entry_price,"
            + " activation_price, callback_rate, status, peak, update_count, last_saved_peak,"
            + " last_saved_at) SELECT "
            + account
            + "id, symbol, side, 100, 101, 1, 'INACTIVE', 100, 0, 100,"
            + " now() FROM monitoring.positions WHERE status = 'ACTIVE'");
    // Events in chunks of a million (one transaction each): each about a stored position.
    for (long done = 0; done < sizes.events(); done += 1_000_000) {
      long to = Math.min(sizes.events(), done + 1_000_000);
      sql(
          db,
          "INSERT INTO monitoring.events ("
              + account
              + "event_id, position_id, correlation_key, exchange,"
              + " symbol, type, severity, payload, event_time)"
              + " SELECT "
              + accountValue
              + "lpad(to_hex(g), 32, '0'), 1 + g % "
              + positions
              + ", 'pk-' || (1 + g % "
              + positions
              + "), 'BINANCE', 'SYM' || (1 + g % "
              + positions
              + "), 'STOP_MOVED', 'INFO', jsonb_build_object('from', g::text, 'to',"
              + " (g + 1)::text, 'reason', 'new peak', 'note', 'timing'),"
              + " now() - g * interval '1 millisecond'"
              + " FROM generate_series("
              + (done + 1)
              + ", "
              + to
              + ") g");
    }
    sql(
        db,
        "INSERT INTO monitoring.signals (exchange, symbol, side, size, size_unit,"
            + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent,"
            + " claimed_at, claimed_by, completed_at, outcome)"
            + " SELECT 'BINANCE', 'SYM' || g, 'LONG', 100, 'QUOTE', 2, 1, 0.5, now(), 'runner',"
            + " now(), 'OPENED' FROM generate_series(1, "
            + sizes.signals()
            + ") g");
    // Dead letters as the journal's dead-letter store writes them (the whole record as JSON):
    // even ones about a stored position, odd ones about a position that had no row yet. From V11
    // on they name their account.
    boolean deadLetterAccounts = hasColumn(db, "dead_letter_events", "account");
    sql(
        db,
        "INSERT INTO monitoring.dead_letter_events ("
            + (deadLetterAccounts ? "account, " : "")
            + "event_id, correlation_key, exchange, type,"
            + " event_time, record, reason) SELECT "
            + (deadLetterAccounts ? "'default', " : "")
            + "'dl-' || g, 'pk-' || (1 + g % "
            + positions
            + "), 'BINANCE', 'STOP_MOVED', now() - g * interval '1 second',"
            + " json_build_object('eventId', 'dl-' || g, 'time', now()::text,"
            + " 'exchange', 'BINANCE', 'symbol', 'SYM' || (1 + g % "
            + positions
            + "), 'positionId', CASE WHEN g % 2 = 0 THEN 1 + g % "
            + positions
            + " END, 'correlationKey', 'pk-' || (1 + g % "
            + positions
            + "), 'type', 'STOP_MOVED', 'severity', 'INFO',"
            + " 'payload', json_build_object('note', 'refused ' || g)),"
            + " 'value too long for type character varying(64)'"
            + " FROM generate_series(1, "
            + sizes.deadLetters()
            + ") g");
  }

  private static boolean hasColumn(DataSource db, String table, String column) throws SQLException {
    return "1"
        .equals(
            one(
                db,
                "SELECT count(*) FROM information_schema.columns WHERE table_schema ="
                    + " 'monitoring' AND table_name = '"
                    + table
                    + "' AND column_name = '"
                    + column
                    + "'"));
  }

  private static Flyway flyway(DataSource db, String target) {
    var config =
        Flyway.configure()
            .dataSource(db)
            .schemas(Migrations.SCHEMA)
            .defaultSchema(Migrations.SCHEMA)
            .locations(Migrations.LOCATION)
            .configuration(Map.of("flyway.postgresql.transactional.lock", "false"));
    return (target == null ? config : config.target(target)).load();
  }

  private static void sql(DataSource db, String statement) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /** The first column of the query's first row, as text. */
  public static String one(DataSource db, String query) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
