package io.positionkeeper.runner.paper;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** What a paper session did, read back from the database it wrote to. */
public record PaperSummary(
    List<Row> positions,
    BigDecimal realizedPnl,
    long stopMoves,
    long eventsWritten,
    String database,
    Path log,
    Duration simulated,
    Duration wall) {

  /** One position of the session. */
  public record Row(
      long id,
      String symbol,
      String side,
      String status,
      String closeReason,
      BigDecimal entry,
      BigDecimal exit,
      BigDecimal pnl) {}

  /** Reads the positions and events written since {@code sinceEventId} (exclusive). */
  public static PaperSummary read(
      DataSource db, long sincePositionId, long sinceEventId, String database, Path log)
      throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      List<Row> rows = new ArrayList<>();
      try (ResultSet r =
          s.executeQuery(
              "SELECT id, symbol, side, status, close_reason, entry_price, exit_price, realized_pnl"
                  + " FROM monitoring.positions WHERE id > "
                  + sincePositionId
                  + " ORDER BY id")) {
        while (r.next()) {
          rows.add(
              new Row(
                  r.getLong(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getString(5),
                  r.getBigDecimal(6),
                  r.getBigDecimal(7),
                  r.getBigDecimal(8)));
        }
      }
      BigDecimal pnl =
          rows.stream()
              .map(Row::pnl)
              .filter(p -> p != null)
              .reduce(BigDecimal.ZERO, BigDecimal::add);
      long moves = count(s, "type = 'STOP_MOVED' AND id > " + sinceEventId);
      long events = count(s, "id > " + sinceEventId);
      return new PaperSummary(
          List.copyOf(rows), pnl, moves, events, database, log, Duration.ZERO, Duration.ZERO);
    }
  }

  /** The highest position and event ids, so a reused database's summary shows only this run. */
  public static long[] marks(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      return new long[] {
        max(s, "SELECT coalesce(max(id), 0) FROM monitoring.positions"),
        max(s, "SELECT coalesce(max(id), 0) FROM monitoring.events")
      };
    }
  }

  private static long count(Statement s, String where) throws SQLException {
    return max(s, "SELECT count(*) FROM monitoring.events WHERE " + where);
  }

  private static long max(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The same summary with the replay's simulated span and the wall time it took. */
  public PaperSummary withSpeed(Duration simulated, Duration wall) {
    return new PaperSummary(
        positions, realizedPnl, stopMoves, eventsWritten, database, log, simulated, wall);
  }

  public String render() {
    StringBuilder b = new StringBuilder("\nPaper session summary\n");
    long closed = positions.stream().filter(r -> "CLOSED".equals(r.status())).count();
    b.append(String.format("  positions: %d opened, %d closed%n", positions.size(), closed));
    for (Row r : positions) {
      b.append(
          String.format(
              "  #%d %s %s %s%s entry %s exit %s pnl %s%n",
              r.id(),
              r.symbol(),
              r.side(),
              r.status(),
              r.closeReason() == null ? "" : " (" + r.closeReason() + ")",
              plain(r.entry()),
              plain(r.exit()),
              plain(r.pnl())));
    }
    b.append("  realized PnL: ").append(realizedPnl.toPlainString()).append(" USDT\n");
    b.append("  stop moves: ").append(stopMoves).append('\n');
    b.append("  audit events written: ").append(eventsWritten).append('\n');
    b.append("  database: ").append(database).append('\n');
    b.append("  log: ").append(log).append('\n');
    b.append(
        String.format(
            "  replay: %.1f simulated hours in %.1f s of wall time%n",
            simulated.toSeconds() / 3600.0, wall.toMillis() / 1000.0));
    return b.toString();
  }

  private static String plain(BigDecimal v) {
    return v == null ? "-" : v.stripTrailingZeros().toPlainString();
  }
}
