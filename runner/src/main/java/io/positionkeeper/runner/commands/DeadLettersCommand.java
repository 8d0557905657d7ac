package io.positionkeeper.runner.commands;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import io.positionkeeper.runner.live.LiveConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keeper dead-letters}: the audit records the journal refused, newest first, each with why
 * it was refused, when, and what it said. Read-only.
 */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the audit records the journal refused (dead letters), newest first: when, why,",
      "and the record's payload; the last --limit of them.",
      "With --config, only the configured account's unless --all-accounts is given.",
      "Exit codes: 0 done (also when there are none), 2 bad usage, 3 database unreachable,",
      "1 other failure."
    })
public final class DeadLettersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;

  @Option(
      names = "--limit",
      defaultValue = "50",
      description = "At most this many, the newest ones (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "One JSON object per dead letter and line.")
  boolean json;

  @Option(
      names = "--all-accounts",
      description = "Every account's dead letters, not only the configured account's (--config).")
  boolean allAccounts;

  /*
   * The record column is json (not jsonb): it keeps the record exactly as the journal got it,
   * escapes such as \u0000 included, which PostgreSQL's JSON operators refuse to turn into text.
   * So the record is read as its text and taken apart here, never on the server.
   */
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private static final String SELECT =
      "SELECT id, account, dead_lettered_at, event_time, exchange, type, event_id,"
          + " correlation_key, reason, record::text AS record"
          + " FROM monitoring.dead_letter_events";

  @Override
  public Integer call() throws SQLException {
    if (limit < 1) {
      throw new CommandException(ExitCodes.USAGE, "--limit must be at least 1, was " + limit);
    }
    String account = allAccounts ? null : database.live().map(LiveConfig::account).orElse(null);
    String sql =
        SELECT + (account == null ? "" : " WHERE account = ?") + " ORDER BY id DESC LIMIT ?";
    PrintWriter out = spec.commandLine().getOut();
    int printed = 0;
    try (DatabaseOptions.Opened db = database.open();
        Connection c = db.pool().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      int i = 1;
      if (account != null) {
        s.setString(i++, account);
      }
      s.setInt(i, limit);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.println(json ? jsonLine(r) : textLines(r));
          printed++;
        }
      }
    }
    if (printed == 0 && !json) {
      out.println("no dead letters" + (account == null ? "" : " of account " + account));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static String textLines(ResultSet r) throws SQLException {
    String record = r.getString("record");
    String payload = payload(record);
    return String.format(
        "#%d dead-lettered %s  account %s  %s %s at %s  event %s  key %s%n  reason:  %s%n  %s %s",
        r.getLong("id"),
        instant(r, "dead_lettered_at"),
        account(r) == null ? "unknown" : account(r),
        r.getString("exchange"),
        r.getString("type"),
        instant(r, "event_time"),
        r.getString("event_id"),
        r.getString("correlation_key"),
        r.getString("reason"),
        payload == null ? "record: " : "payload:",
        payload == null ? record : payload);
  }

  private static String jsonLine(ResultSet r) throws SQLException {
    StringWriter text = new StringWriter();
    try (JsonWriter w = new JsonWriter(text)) {
      w.setSerializeNulls(true);
      w.beginObject();
      w.name("id").value(r.getLong("id"));
      w.name("account").value(account(r));
      w.name("deadLetteredAt").value(instant(r, "dead_lettered_at"));
      w.name("eventTime").value(instant(r, "event_time"));
      w.name("exchange").value(r.getString("exchange"));
      w.name("type").value(r.getString("type"));
      w.name("eventId").value(r.getString("event_id"));
      w.name("correlationKey").value(r.getString("correlation_key"));
      w.name("reason").value(r.getString("reason"));
      // The stored record as it is (PostgreSQL checked it is JSON when it was written).
      w.name("record").jsonValue(r.getString("record"));
      w.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string cannot fail", e);
    }
    return text.toString();
  }

  /**
   * The record's payload as JSON text (Gson escapes control characters such as NUL), or null when
   * the record is not an object with a payload (then the whole record is shown).
   */
  private static String payload(String record) {
    JsonElement parsed = JsonParser.parseString(record);
    if (parsed.isJsonObject() && parsed.getAsJsonObject().has("payload")) {
      return GSON.toJson(parsed.getAsJsonObject().get("payload"));
    }
    return null;
  }

  /** The row's account; NULL only for a record refused before dead letters kept their account. */
  private static String account(ResultSet r) throws SQLException {
    return r.getString("account");
  }

  private static String instant(ResultSet r, String column) throws SQLException {
    Timestamp t = r.getTimestamp(column);
    return t == null ? null : t.toInstant().toString();
  }
}
