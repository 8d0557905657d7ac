package io.positionkeeper.runner.paper;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What earlier paper sessions left in a reused database, so that the next one continues after it:
 * its replay clock must not start before the last stored time (a position closed before it was
 * opened breaks the schema's checks) and its in-memory venue must not reuse an entry order id (the
 * schema keeps one row per venue order).
 */
record PaperHistory(Optional<Instant> lastTime, long lastOrderId) {

  static PaperHistory read(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      Instant last = null;
      try (ResultSet r =
          s.executeQuery(
              "SELECT greatest((SELECT max(greatest(opened_at, updated_at, closed_at))"
                  + " FROM monitoring.positions),"
                  + " (SELECT max(event_time) FROM monitoring.events))")) {
        r.next();
        Timestamp t = r.getTimestamp(1);
        last = t == null ? null : t.toInstant();
      }
      long order = 0;
      try (ResultSet r =
          s.executeQuery(
              "SELECT max(exchange_order_id::numeric) FROM monitoring.positions"
                  + " WHERE exchange = 'PAPER' AND exchange_order_id ~ '^[0-9]{1,18}$'")) {
        r.next();
        BigDecimal max = r.getBigDecimal(1);
        order = max == null ? 0 : max.longValueExact();
      }
      return new PaperHistory(Optional.ofNullable(last), order);
    }
  }

  /** Whole days to move a replay starting at {@code firstMark} so it starts after the history. */
  Duration shiftFor(Instant firstMark) {
    if (lastTime.isEmpty() || firstMark.isAfter(lastTime.get())) {
      return Duration.ZERO;
    }
    long days = Duration.between(firstMark, lastTime.get()).toDays() + 1;
    return Duration.ofDays(days);
  }
}
