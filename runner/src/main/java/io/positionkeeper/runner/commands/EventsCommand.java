package io.positionkeeper.runner.commands;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.positionkeeper.runner.live.LiveConfig;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keeper events}: the audit trail, filtered, oldest first; {@code --follow} tails it. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the audit trail, oldest first: the last --limit events that match the filters.",
      "With --follow it keeps printing new events as they are stored, until Ctrl-C.",
      "With --config, only the configured account's events unless --all-accounts is given.",
      "Exit codes: 0 done, 2 bad usage, 3 database unreachable, 1 other failure."
    })
public final class EventsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;

  @Option(names = "--symbol", description = "Only this symbol, e.g. BTCUSDT.")
  String symbol;

  @Option(names = "--position", description = "Only this position id.")
  Long position;

  @Option(
      names = "--type",
      split = ",",
      description = "Only these event types, e.g. STOP_MOVED,POSITION_CLOSED.")
  List<String> types = new ArrayList<>();

  @Option(
      names = "--since",
      description = "From this time on (ISO-8601, e.g. 2026-01-01T00:00:00Z).")
  String since;

  @Option(names = "--until", description = "Before this time (ISO-8601).")
  String until;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "At most this many events, the newest ones (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--follow", description = "Keep printing new events until stopped.")
  boolean follow;

  @Option(
      names = "--follow-for",
      description = "With --follow: stop after this long (ISO-8601 duration, e.g. PT30S).")
  String followFor;

  @Option(names = "--json", description = "One JSON object per event and line.")
  boolean json;

  @Option(
      names = "--all-accounts",
      description = "Every account's events, not only the configured account's (with --config).")
  boolean allAccounts;

  /** The account whose events are printed, or null for all: the configured one by default. */
  private String account;

  private static final Gson GSON = new Gson();

  @Override
  public Integer call() throws SQLException, InterruptedException {
    Instant from = time("--since", since);
    Instant to = time("--until", until);
    Duration followLimit = duration(followFor);
    if (limit < 1) {
      throw new CommandException(ExitCodes.USAGE, "--limit must be at least 1, was " + limit);
    }
    account = allAccounts ? null : database.live().map(LiveConfig::account).orElse(null);
    PrintWriter out = spec.commandLine().getOut();
    try (DatabaseOptions.Opened db = database.open()) {
      long last = print(db, out, 0, limit);
      if (follow) {
        Instant stopAt = followLimit == null ? Instant.MAX : Instant.now().plus(followLimit);
        while (Instant.now().isBefore(stopAt) && !Thread.currentThread().isInterrupted()) {
          Thread.sleep(500);
          last = print(db, out, last, 10_000);
        }
      }
    }
    return ExitCodes.OK;
  }

  /** Prints the matching events above {@code afterId}; returns the highest id printed. */
  private long print(DatabaseOptions.Opened db, PrintWriter out, long afterId, int max)
      throws SQLException {
    StringBuilder where = new StringBuilder(" WHERE id > ?");
    List<Object> args = new ArrayList<>(List.of(afterId));
    if (account != null) {
      where.append(" AND account = ?");
      args.add(account);
    }
    if (symbol != null) {
      where.append(" AND symbol = ?");
      args.add(symbol.toUpperCase(Locale.ROOT));
    }
    if (position != null) {
      where.append(
          " AND (position_id = ? OR correlation_key = (SELECT entry_client_order_id FROM"
              + " monitoring.positions WHERE id = ?))");
      args.add(position);
      args.add(position);
    }
    if (!types.isEmpty()) {
      where.append(" AND type = ANY (?)");
      args.add(types.stream().map(t -> t.toUpperCase(Locale.ROOT)).toArray(String[]::new));
    }
    Instant from = time("--since", since);
    Instant to = time("--until", until);
    if (from != null) {
      where.append(" AND event_time >= ?");
      args.add(Timestamp.from(from));
    }
    if (to != null) {
      where.append(" AND event_time < ?");
      args.add(Timestamp.from(to));
    }
    String sql =
        "SELECT * FROM (SELECT id, event_time, account, exchange, symbol, position_id, type, severity,"
            + " payload::text AS payload FROM monitoring.events"
            + where
            + " ORDER BY id DESC LIMIT "
            + max
            + ") e ORDER BY id";
    long last = afterId;
    try (Connection c = db.pool().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        Object a = args.get(i);
        if (a instanceof String[] array) {
          s.setArray(i + 1, c.createArrayOf("varchar", array));
        } else {
          s.setObject(i + 1, a);
        }
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          last = r.getLong("id");
          out.println(json ? jsonLine(r) : textLine(r));
        }
      }
    }
    out.flush();
    return last;
  }

  private static String textLine(ResultSet r) throws SQLException {
    long pos = r.getLong("position_id");
    return String.format(
        "%s %-12s %-8s %-8s %-10s %-6s %-24s %s",
        r.getTimestamp("event_time").toInstant(),
        r.getString("account"),
        r.getString("severity"),
        r.getString("exchange"),
        r.getString("symbol") == null ? "-" : r.getString("symbol"),
        r.wasNull() ? "-" : "#" + pos,
        r.getString("type"),
        r.getString("payload"));
  }

  private static String jsonLine(ResultSet r) throws SQLException {
    JsonObject o = new JsonObject();
    o.addProperty("id", r.getLong("id"));
    o.addProperty("time", r.getTimestamp("event_time").toInstant().toString());
    o.addProperty("account", r.getString("account"));
    o.addProperty("exchange", r.getString("exchange"));
    o.addProperty("symbol", r.getString("symbol"));
    long pos = r.getLong("position_id");
    o.addProperty("positionId", r.wasNull() ? null : pos);
    o.addProperty("type", r.getString("type"));
    o.addProperty("severity", r.getString("severity"));
    o.add("payload", JsonParser.parseString(r.getString("payload")));
    return GSON.toJson(o);
  }

  private static Instant time(String option, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new CommandException(
          ExitCodes.USAGE, option + " " + value + " is not a time like 2026-01-01T00:00:00Z", e);
    }
  }

  private static Duration duration(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new CommandException(
          ExitCodes.USAGE, "--follow-for " + value + " is not a duration like PT30S", e);
    }
  }
}
