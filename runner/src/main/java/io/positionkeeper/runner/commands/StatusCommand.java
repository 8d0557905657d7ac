package io.positionkeeper.runner.commands;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.runner.live.ExchangeSettings;
import io.positionkeeper.runner.live.LiveConfig;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keeper status}: the open positions, their stops and trailing state, and the leases. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the open positions with their stop-loss, trailing state and leverage, and who holds"
          + " each account's lease, from the database.",
      "Exit codes: 0 every open position has a stop, 4 an open position has none, 2 bad usage,"
          + " 3 database unreachable, 1 other failure."
    })
public final class StatusCommand implements Callable<Integer> {
  private static final String POSITIONS =
      "SELECT p.id, p.account, p.exchange, p.symbol, p.side, p.status, p.quantity, p.entry_price,"
          + " p.stop_price, p.stop_client_id, p.opened_at, t.status, t.activation_price,"
          + " t.callback_rate, t.peak, t.current_stop FROM monitoring.positions p"
          + " LEFT JOIN monitoring.trailing_stop_state t ON t.position_id = p.id"
          + " WHERE p.status IN ('ACTIVE', 'CLOSING') ORDER BY p.id";
  private static final String LEASES =
      "SELECT account, holder, epoch, expires_at, expires_at > now() FROM monitoring.account_leases"
          + " ORDER BY account";

  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;

  @Option(names = "--json", description = "One JSON object instead of the table.")
  boolean json;

  /** One open position as status shows it. */
  record Row(
      long id,
      String account,
      String exchange,
      String symbol,
      String side,
      String status,
      BigDecimal quantity,
      BigDecimal entry,
      BigDecimal stop,
      String stopId,
      String openedAt,
      String trailing,
      BigDecimal activation,
      BigDecimal callbackPercent,
      BigDecimal peak,
      BigDecimal trailingStop,
      Integer leverage) {}

  /** One account's lease. */
  record Lease(String account, String holder, long epoch, String expiresAt, boolean held) {}

  @Override
  public Integer call() throws SQLException {
    Function<Symbol, Integer> leverage =
        database.live().map(LiveConfig::exchange).map(StatusCommand::leverage).orElse(s -> null);
    // The configured leverage belongs to the configured account; another account's row shows none.
    String account = database.live().map(LiveConfig::account).orElse(null);
    List<Row> rows = new ArrayList<>();
    List<Lease> leases = new ArrayList<>();
    try (DatabaseOptions.Opened db = database.open();
        Connection c = db.pool().getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery(POSITIONS)) {
        while (r.next()) {
          rows.add(row(r, account, leverage));
        }
      }
      try (ResultSet r = s.executeQuery(LEASES)) {
        while (r.next()) {
          leases.add(
              new Lease(
                  r.getString(1),
                  r.getString(2),
                  r.getLong(3),
                  r.getTimestamp(4).toInstant().toString(),
                  r.getBoolean(5)));
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(toJson(rows, leases));
    } else {
      print(out, rows, leases);
    }
    out.flush();
    return rows.stream().anyMatch(r -> r.stop() == null) ? ExitCodes.ATTENTION : ExitCodes.OK;
  }

  /** The leverage configured for a symbol, or null. */
  private static Function<Symbol, Integer> leverage(ExchangeSettings exchange) {
    return switch (exchange) {
      case ExchangeSettings.Binance b ->
          s ->
              Optional.ofNullable(b.settings().get(s))
                  .map(TradingSettings.SymbolSettings::leverage)
                  .orElse(null);
      // Bybit's leverage lives in its adapter's config, per symbol or as the default.
      case ExchangeSettings.Bybit b ->
          s -> {
            OptionalInt value = b.config().leverageFor(s);
            return value.isPresent() ? value.getAsInt() : null;
          };
    };
  }

  private static Row row(ResultSet r, String account, Function<Symbol, Integer> leverage)
      throws SQLException {
    String symbol = r.getString(4);
    Integer lev = r.getString(2).equals(account) ? leverage.apply(new Symbol(symbol)) : null;
    return new Row(
        r.getLong(1),
        r.getString(2),
        r.getString(3),
        symbol,
        r.getString(5),
        r.getString(6),
        r.getBigDecimal(7),
        r.getBigDecimal(8),
        r.getBigDecimal(9),
        r.getString(10),
        r.getTimestamp(11).toInstant().toString(),
        r.getString(12),
        r.getBigDecimal(13),
        r.getBigDecimal(14),
        r.getBigDecimal(15),
        r.getBigDecimal(16),
        lev);
  }

  private static String toJson(List<Row> rows, List<Lease> leases) {
    JsonObject o = new JsonObject();
    JsonArray positions = new JsonArray();
    for (Row r : rows) {
      positions.add(new GsonBuilder().serializeNulls().create().toJsonTree(r));
    }
    o.add("positions", positions);
    o.add("leases", new GsonBuilder().create().toJsonTree(leases));
    o.addProperty("unprotected", rows.stream().filter(r -> r.stop() == null).count());
    return new GsonBuilder().serializeNulls().create().toJson(o);
  }

  private static void print(PrintWriter out, List<Row> rows, List<Lease> leases) {
    if (rows.isEmpty()) {
      out.println("no open positions");
    } else {
      out.printf(
          "%-6s %-12s %-8s %-10s %-5s %-8s %12s %12s %12s %-9s %12s %12s %4s%n",
          "ID",
          "ACCOUNT",
          "VENUE",
          "SYMBOL",
          "SIDE",
          "STATUS",
          "QTY",
          "ENTRY",
          "STOP",
          "TRAILING",
          "ACTIVATION",
          "PEAK",
          "LEV");
      for (Row r : rows) {
        out.printf(
            "%-6d %-12s %-8s %-10s %-5s %-8s %12s %12s %12s %-9s %12s %12s %4s%n",
            r.id(),
            r.account(),
            r.exchange(),
            r.symbol(),
            r.side(),
            r.status(),
            plain(r.quantity()),
            plain(r.entry()),
            r.stop() == null ? "NONE!" : plain(r.stop()),
            r.trailing() == null ? "-" : r.trailing(),
            plain(r.activation()),
            plain(r.peak()),
            r.leverage() == null ? "-" : r.leverage() + "x");
      }
    }
    if (leases.isEmpty()) {
      out.println("no account leases");
    }
    for (Lease l : leases) {
      out.printf(
          "lease %s: %s by %s, epoch %d, %s %s%n",
          l.account(),
          l.held() ? "held" : "free",
          l.holder(),
          l.epoch(),
          l.held() ? "expires" : "expired",
          l.expiresAt());
    }
  }

  static String plain(BigDecimal v) {
    return v == null ? "-" : v.stripTrailingZeros().toPlainString();
  }
}
