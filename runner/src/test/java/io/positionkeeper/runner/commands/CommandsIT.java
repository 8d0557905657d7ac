package io.positionkeeper.runner.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.Main;
import io.positionkeeper.runner.TestSql;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import io.positionkeeper.runner.paper.PaperInstruments;
import io.positionkeeper.runner.paper.PaperOptions;
import io.positionkeeper.runner.paper.PaperSession;
import io.positionkeeper.runner.paper.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The trader's commands against a database filled by the bundled paper run, reached the way a live
 * runner's database is: through a live configuration file ({@code --config}).
 */
class CommandsIT {
  @TempDir static Path home;
  static EmbeddedDatabase db;
  static HikariDataSource pool;
  static Path config;

  /** What a command printed and returned. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void paperRunThenOpenItsDatabase() throws Exception {
    PaperOptions options = new PaperOptions(home, true, Optional.empty(), Optional.empty());
    new PaperSession(
            options, Progress.forOutput(new PrintStream(new ByteArrayOutputStream()), false))
        .run();
    db = EmbeddedDatabase.start(options.databaseDirectory(), false);
    pool = PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"));
    config = home.resolve("live.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            // The bundled paper run keeps its rows in the default account.
            "account=default",
            "exchange=binance",
            "environment=testnet",
            "symbols=SOLUSDT",
            "symbol.SOLUSDT.leverage=3",
            "symbol.SOLUSDT.marginType=ISOLATED",
            "database.url=" + db.jdbcUrl(),
            "database.user=postgres",
            "signals=database",
            ""));
  }

  @AfterAll
  static void close() {
    pool.close();
    db.close();
  }

  static Run keeper(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  static void sql(String statement) throws Exception {
    TestSql.execute(pool, statement);
  }

  @Test
  void status_showsTheOpenPosition_itsStop_trailing_leverage_andTheLeaseHolder() throws Exception {
    sql(
        "INSERT INTO monitoring.account_leases (account, holder, epoch, expires_at)"
            + " VALUES ('paper-check', 'host-a/42/abc', 3, now() + interval '1 hour')"
            + " ON CONFLICT (account) DO NOTHING");
    Run run = keeper("status", "--config", config.toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("default", "SOLUSDT", "SHORT", "ACTIVE", "3x");
    assertThat(run.out()).contains("lease paper-check: held by host-a/42/abc, epoch 3");
    assertThat(run.out().lines().filter(l -> l.contains("SOLUSDT")).findFirst().orElseThrow())
        .doesNotContain("NONE!");

    Run json = keeper("status", "--config", config.toString(), "--json");
    JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
    assertThat(o.getAsJsonArray("positions")).hasSize(1);
    JsonObject p = o.getAsJsonArray("positions").get(0).getAsJsonObject();
    assertThat(p.get("symbol").getAsString()).isEqualTo("SOLUSDT");
    assertThat(p.get("stop").isJsonNull()).isFalse();
    assertThat(p.get("leverage").getAsInt()).isEqualTo(3);
    assertThat(o.get("unprotected").getAsInt()).isZero();
    assertThat(o.getAsJsonArray("leases").get(0).getAsJsonObject().get("held").getAsBoolean())
        .isTrue();
  }

  @Test
  void events_filterBySymbolAndType_asJsonLines() {
    Run run =
        keeper(
            "events",
            "--config",
            config.toString(),
            "--symbol",
            "btcusdt",
            "--type",
            "STOP_MOVED",
            "--limit",
            "1000",
            "--json");
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    List<JsonObject> lines =
        run.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertThat(lines).isNotEmpty();
    assertThat(lines)
        .allSatisfy(
            l -> {
              assertThat(l.get("symbol").getAsString()).isEqualTo("BTCUSDT");
              assertThat(l.get("type").getAsString()).isEqualTo("STOP_MOVED");
              assertThat(l.getAsJsonObject("payload").has("toTrigger")).isTrue();
            });
  }

  @Test
  void events_ofOnePosition_includeThoseBeforeItsRow_andRespectLimitAndTime() {
    Run run = keeper("events", "--config", config.toString(), "--position", "1", "--limit", "500");
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("POSITION_PRE_REGISTERED", "POSITION_CREATED", "POSITION_CLOSED");
    assertThat(run.out()).doesNotContain("ETHUSDT");

    Run two = keeper("events", "--config", config.toString(), "--position", "1", "--limit", "2");
    assertThat(two.out().lines()).hasSize(2);
    assertThat(run.out().lines().toList()).endsWith(two.out().lines().toArray(String[]::new));

    Run none = keeper("events", "--config", config.toString(), "--until", "2000-01-01T00:00:00Z");
    assertThat(none.exit()).isEqualTo(ExitCodes.OK);
    assertThat(none.out()).isEmpty();
  }

  /**
   * With a live configuration, events shows the configured account's events only (another account's
   * rows on the same database stay out) unless --all-accounts; each line names its account.
   */
  @Test
  void events_showTheConfiguredAccountOnly_unlessAllAccounts_andNameTheAccount() throws Exception {
    sql(
        "INSERT INTO monitoring.events (event_id, account, correlation_key, exchange, symbol,"
            + " type, severity, payload, event_time) VALUES ('other-account-1', 'acct-other',"
            + " 'k-other', 'PAPER', 'BTCUSDT', 'OPERATION_FAILED', 'ERROR',"
            + " '{\"operation\":\"other account check\"}', now())"
            + " ON CONFLICT (event_id) DO NOTHING");

    Run own = keeper("events", "--config", config.toString(), "--limit", "100000", "--json");
    assertThat(own.exit()).as(own.err()).isEqualTo(ExitCodes.OK);
    List<JsonObject> ownLines =
        own.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertThat(ownLines).isNotEmpty();
    assertThat(ownLines)
        .allSatisfy(l -> assertThat(l.get("account").getAsString()).isEqualTo("default"));
    assertThat(own.out()).doesNotContain("other account check");

    Run all =
        keeper(
            "events",
            "--config",
            config.toString(),
            "--all-accounts",
            "--type",
            "OPERATION_FAILED",
            "--limit",
            "100000");
    assertThat(all.exit()).as(all.err()).isEqualTo(ExitCodes.OK);
    String otherLine =
        all.out().lines().filter(l -> l.contains("other account check")).findFirst().orElseThrow();
    assertThat(otherLine).contains("acct-other", "OPERATION_FAILED");

    Run text = keeper("events", "--config", config.toString(), "--position", "1", "--limit", "1");
    assertThat(text.out().lines().toList()).singleElement().asString().contains(" default ");
  }

  @Test
  void events_follow_printsAnEventStoredWhileFollowing() throws Exception {
    CompletableFuture<Run> following =
        CompletableFuture.supplyAsync(
            () ->
                keeper(
                    "events",
                    "--config",
                    config.toString(),
                    "--type",
                    "OPERATION_FAILED",
                    "--follow",
                    "--follow-for",
                    "PT6S"));
    Thread.sleep(3_000);
    sql(
        "INSERT INTO monitoring.events (event_id, account, correlation_key, exchange, symbol,"
            + " type, severity, payload, event_time) VALUES ('follow-test-1', 'default', 'k1',"
            + " 'PAPER', 'BTCUSDT',"
            + " 'OPERATION_FAILED', 'ERROR', '{\"operation\":\"follow check\"}', now())");
    Run run = following.get();
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("OPERATION_FAILED", "follow check");
  }

  /** Runs {@code reconcile} against {@code venue} instead of the configured Binance account. */
  static Run reconcile(FakeExchange venue, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new ReconcileCommand((live, env) -> venue))
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static FakeExchange venueWithSol() {
    FakeExchange venue =
        new FakeExchange(Exchange.PAPER, new ManualClock(Instant.parse("2026-01-02T00:00:00Z")));
    Symbol sol = new Symbol("SOLUSDT");
    venue.addInstrument(PaperInstruments.forMark(sol, new BigDecimal("150")));
    venue.setMarkPrice(sol, new BigDecimal("150"));
    return venue;
  }

  @Test
  void reconcileDryRun_plansToReprotectAPositionWhoseStopIsGone_andChangesNothing()
      throws Exception {
    FakeExchange venue = venueWithSol();
    Run status = keeper("status", "--config", config.toString(), "--json");
    JsonObject row =
        JsonParser.parseString(status.out())
            .getAsJsonObject()
            .getAsJsonArray("positions")
            .get(0)
            .getAsJsonObject();
    venue.seedPosition(
        new Symbol("SOLUSDT"),
        row.get("quantity").getAsBigDecimal().negate(),
        row.get("entry").getAsBigDecimal(),
        Optional.empty());
    long eventsBefore = count("SELECT count(*) FROM monitoring.events");

    Run run = reconcile(venue, "--config", config.toString(), "--dry-run");

    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.ATTENTION);
    assertThat(run.out()).contains("1 stored open, 1 open on the venue", "would ");
    assertThat(run.out()).containsIgnoringCase("stop");
    assertThat(venue.allStops()).isEmpty();
    assertThat(venue.orderRequests()).isEmpty();
    assertThat(count("SELECT count(*) FROM monitoring.events")).isEqualTo(eventsBefore);
    assertThat(keeper("status", "--config", config.toString(), "--json").out())
        .isEqualTo(status.out());
  }

  @Test
  void reconcileDryRun_plansToCloseARowWhosePositionIsGone_asJson() throws Exception {
    Run run = reconcile(venueWithSol(), "--config", config.toString(), "--dry-run", "--json");
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.ATTENTION);
    JsonObject o = JsonParser.parseString(run.out()).getAsJsonObject();
    assertThat(o.get("venueOpen").getAsInt()).isZero();
    assertThat(o.getAsJsonArray("planned")).hasSize(1);
    assertThat(o.getAsJsonArray("planned").get(0).getAsJsonObject().get("action").getAsString())
        .isEqualTo("ClosePhantom");
    assertThat(count("SELECT count(*) FROM monitoring.positions WHERE status = 'ACTIVE'"))
        .isEqualTo(1);

    Run withoutDryRun = keeper("reconcile", "--config", config.toString());
    assertThat(withoutDryRun.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(withoutDryRun.err()).contains("only `reconcile --dry-run` is built");
  }

  static long count(String sql) throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void migrate_onAnUpToDateDatabase_appliesNothing() {
    Run run = keeper("migrate", "--config", config.toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("the schema is up to date");
    assertThat(keeper("migrate", "--config", config.toString(), "--json").out().trim())
        .isEqualTo("{\"applied\":0}");
  }

  @Test
  void report_ofOnePosition_fromTheDatabase_andNoSuchPosition() throws Exception {
    Path file = home.resolve("one.html");
    Run run =
        keeper("report", "--config", config.toString(), "--position", "1", "-o", file.toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    String html = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(html).contains("id=\"chart-1\"", "known prices", "TradingView");
    assertThat(html).doesNotContain("id=\"chart-2\"");

    Run missing = keeper("report", "--config", config.toString(), "--position", "999");
    assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err()).contains("no position #999");
  }

  @Test
  void everyCommand_hasHelp_withItsExitCodes() {
    for (String command : List.of("status", "events", "migrate", "report", "reconcile")) {
      Run run = keeper(command, "--help");
      assertThat(run.exit()).isZero();
      assertThat(run.out()).contains("Usage: keeper " + command, "Exit codes");
    }
  }

  @Test
  void badUsage_exits2_andAMissingDatabase_exits3_withAMessageSaysWhy() {
    Run bad = keeper("events", "--config", config.toString(), "--since", "yesterday");
    assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--since yesterday is not a time");

    Run unknown = keeper("status", "--bogus");
    assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);

    Run nothing = keeper("status", "--home", home.resolve("nowhere").toString());
    assertThat(nothing.exit()).isEqualTo(ExitCodes.DATABASE);
    assertThat(nothing.err()).contains("no paper database", "run `keeper paper` first");
  }

  @Test
  void status_exits4_andShoutsWhenAnOpenPositionHasNoStop() throws Exception {
    sql(
        "CREATE TABLE IF NOT EXISTS public.saved_stop AS SELECT id, stop_client_id, stop_price"
            + " FROM monitoring.positions WHERE status = 'ACTIVE'");
    sql(
        "UPDATE monitoring.positions SET stop_client_id = NULL, stop_price = NULL"
            + " WHERE status = 'ACTIVE'");
    try {
      Run run = keeper("status", "--config", config.toString());
      assertThat(run.exit()).isEqualTo(ExitCodes.ATTENTION);
      assertThat(run.out()).contains("NONE!");
    } finally {
      sql(
          "UPDATE monitoring.positions p SET stop_client_id = s.stop_client_id, stop_price ="
              + " s.stop_price FROM public.saved_stop s WHERE s.id = p.id");
      sql("DROP TABLE public.saved_stop");
    }
  }
}
