package io.positionkeeper.runner.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads positions and their events from the monitoring schema for a report. An event about a
 * position before its row existed (pre-registration, entry order, fill) carries no position id and
 * is found by the entry order's client id, which is its correlation key. Events are shown in the
 * order they were made: by time, then by event id (time-ordered, strictly increasing within a
 * runner), not by row id, since a record stored with its row can reach the table before an earlier
 * one that waited in the audit writer's batch.
 */
public final class ReportReader {
  private static final String POSITIONS =
      "SELECT id, exchange, symbol, side, status, close_reason, quantity, entry_price, exit_price,"
          + " realized_pnl, opened_at, closed_at, entry_client_order_id FROM monitoring.positions";
  private static final String EVENTS =
      "SELECT id, event_time, type, severity, payload::text FROM monitoring.events"
          + " WHERE position_id = ? OR (? IS NOT NULL AND correlation_key = ? AND position_id IS"
          + " NULL) ORDER BY event_time, event_id";

  private final DataSource db;

  public ReportReader(DataSource db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The positions whose id is above {@code afterId}, oldest first, with their events. */
  public List<PositionHistory> positionsAfter(long afterId) throws SQLException {
    return read(POSITIONS + " WHERE id > ? ORDER BY id", afterId);
  }

  /** One position with its events, if it exists. */
  public Optional<PositionHistory> position(long id) throws SQLException {
    return read(POSITIONS + " WHERE id = ?", id).stream().findFirst();
  }

  /** Positions opened from {@code from} (inclusive) to {@code to} (exclusive), oldest first. */
  public List<PositionHistory> openedBetween(Instant from, Instant to) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(POSITIONS + " WHERE opened_at >= ? AND opened_at < ? ORDER BY id")) {
      s.setTimestamp(1, Timestamp.from(from));
      s.setTimestamp(2, Timestamp.from(to));
      return rows(c, s);
    }
  }

  private List<PositionHistory> read(String sql, long id) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, id);
      return rows(c, s);
    }
  }

  private List<PositionHistory> rows(Connection c, PreparedStatement s) throws SQLException {
    List<PositionHistory> out = new ArrayList<>();
    try (ResultSet r = s.executeQuery()) {
      while (r.next()) {
        long id = r.getLong("id");
        out.add(
            new PositionHistory(
                id,
                r.getString("exchange"),
                r.getString("symbol"),
                r.getString("side"),
                r.getString("status"),
                Optional.ofNullable(r.getString("close_reason")),
                r.getBigDecimal("quantity"),
                r.getBigDecimal("entry_price"),
                Optional.ofNullable(r.getBigDecimal("exit_price")),
                Optional.ofNullable(r.getBigDecimal("realized_pnl")),
                r.getTimestamp("opened_at").toInstant(),
                Optional.ofNullable(r.getTimestamp("closed_at")).map(Timestamp::toInstant),
                events(c, id, r.getString("entry_client_order_id"))));
      }
    }
    return out;
  }

  private static List<ReportEvent> events(Connection c, long positionId, String entryClientId)
      throws SQLException {
    List<ReportEvent> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(EVENTS)) {
      s.setLong(1, positionId);
      s.setString(2, entryClientId);
      s.setString(3, entryClientId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(
              new ReportEvent(
                  r.getLong(1),
                  r.getTimestamp(2).toInstant(),
                  r.getString(3),
                  r.getString(4),
                  payload(r.getString(5))));
        }
      }
    }
    return out;
  }

  /** The journal's JSON payload as flat text, as the event wrote it. */
  static Map<String, String> payload(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonObject o = JsonParser.parseString(json).getAsJsonObject();
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      JsonElement v = e.getValue();
      out.put(e.getKey(), v.isJsonPrimitive() ? v.getAsString() : v.toString());
    }
    return out;
  }

  /** A decimal from a payload field, if the field holds one. */
  static Optional<BigDecimal> decimal(Map<String, String> payload, String field) {
    String v = payload.get(field);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BigDecimal(v));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
