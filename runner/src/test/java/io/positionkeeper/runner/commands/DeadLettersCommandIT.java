package io.positionkeeper.runner.commands;

import static io.positionkeeper.runner.commands.CommandsIT.keeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.EventIds;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.JooqAuditJournal;
import io.positionkeeper.postgres.JooqDeadLetterStore;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.commands.CommandsIT.Run;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keeper dead-letters} against an embedded PostgreSQL holding dead letters of two accounts,
 * written the way the audit writer writes them: the journal refuses a record, the dead-letter store
 * of the journal's account keeps it with the journal's reason.
 */
class DeadLettersCommandIT {
  @TempDir static Path home;
  static EmbeddedDatabase db;
  static HikariDataSource pool;
  static Path config;

  /** The refused records, in the order they were dead-lettered. */
  static AuditRecord nulOfA;

  static AuditRecord tooLongOfA;
  static AuditRecord nulOfB;

  @BeforeAll
  static void databaseWithDeadLettersOfTwoAccounts() throws Exception {
    db = EmbeddedDatabase.start(home.resolve("db"), true);
    pool = PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"));
    Migrations.migrate(pool);
    AccountId a = AccountId.of("acct-a");
    AccountId b = AccountId.of("acct-b");
    // A NUL character: PostgreSQL's jsonb cannot hold it, so the journal refuses the record.
    nulOfA = record("STOP_MOVED", Map.of("stop", "67083.00", "note", "bad\u0000byte"));
    tooLongOfA = record("POSITION_OPENED", Map.of("quantity", "0.015"));
    nulOfB = record("STOP_PLACED", Map.of("note", "other\u0000account"));
    refuseAndDeadLetter(a, nulOfA);
    new JooqDeadLetterStore(pool, a).deadLetter(tooLongOfA, "the payload was over its limit");
    refuseAndDeadLetter(b, nulOfB);

    config = home.resolve("live.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "account=acct-a",
            "exchange=binance",
            "environment=testnet",
            "symbols=BTCUSDT",
            "symbol.BTCUSDT.leverage=3",
            "symbol.BTCUSDT.marginType=ISOLATED",
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

  /** What the audit writer does with a record its journal refuses. */
  static void refuseAndDeadLetter(AccountId account, AuditRecord record) {
    JooqAuditJournal journal = new JooqAuditJournal(pool, account);
    assertThatThrownBy(() -> journal.append(List.of(record)))
        .isInstanceOfSatisfying(
            RejectedException.class,
            refused ->
                new JooqDeadLetterStore(pool, account).deadLetter(record, refused.getMessage()));
  }

  static AuditRecord record(String type, Map<String, String> payload) {
    return new AuditRecord(
        EventIds.next(),
        Instant.now().truncatedTo(ChronoUnit.MICROS),
        Exchange.BINANCE,
        Optional.of(Symbol.of("BTCUSDT")),
        OptionalLong.empty(),
        "pko-deadlettersabcdefg",
        type,
        Severity.INFO,
        new LinkedHashMap<>(payload));
  }

  @Test
  void listsTheConfiguredAccountsDeadLetters_newestFirst_withReasonTimeAndPayload() {
    Run run = keeper("dead-letters", "--config", config.toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    List<String> heads = run.out().lines().filter(l -> l.startsWith("#")).toList();
    assertThat(heads).hasSize(2);
    assertThat(heads.get(0)).contains("account acct-a", "POSITION_OPENED", tooLongOfA.eventId());
    assertThat(heads.get(1))
        .contains("account acct-a", "STOP_MOVED", "at " + nulOfA.time(), nulOfA.eventId());
    assertThat(run.out())
        .contains("reason:  the payload was over its limit")
        .contains("\"quantity\":\"0.015\"")
        // The refused record's payload as it was kept: the NUL as its JSON escape.
        .contains("bad\\u0000byte")
        .doesNotContain("acct-b", nulOfB.eventId());
    String nulReason = run.out().lines().filter(l -> l.contains("reason:")).toList().get(1).strip();
    assertThat(nulReason).startsWith("reason:").hasSizeGreaterThan("reason:  ".length() + 10);
  }

  @Test
  void allAccounts_andLimit_keepTheNewestOnes() {
    Run all = keeper("dead-letters", "--config", config.toString(), "--all-accounts");
    assertThat(all.exit()).as(all.err()).isEqualTo(ExitCodes.OK);
    assertThat(all.out().lines().filter(l -> l.startsWith("#")).toList())
        .satisfiesExactly(
            l -> assertThat(l).contains("account acct-b", nulOfB.eventId()),
            l -> assertThat(l).contains("account acct-a", tooLongOfA.eventId()),
            l -> assertThat(l).contains("account acct-a", nulOfA.eventId()));

    Run one =
        keeper("dead-letters", "--config", config.toString(), "--all-accounts", "--limit", "1");
    assertThat(one.out().lines().filter(l -> l.startsWith("#")).toList())
        .singleElement()
        .satisfies(l -> assertThat(l).contains(nulOfB.eventId()));
  }

  @Test
  void json_oneObjectPerLine_withTheRecordExactlyAsKept() {
    Run run = keeper("dead-letters", "--config", config.toString(), "--json");

    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    List<JsonObject> lines =
        run.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    assertThat(lines).hasSize(2);
    JsonObject newest = lines.get(0);
    assertThat(newest.get("account").getAsString()).isEqualTo("acct-a");
    assertThat(newest.get("eventId").getAsString()).isEqualTo(tooLongOfA.eventId());
    assertThat(newest.get("type").getAsString()).isEqualTo("POSITION_OPENED");
    assertThat(newest.get("reason").getAsString()).isEqualTo("the payload was over its limit");
    assertThat(Instant.parse(newest.get("eventTime").getAsString())).isEqualTo(tooLongOfA.time());
    assertThat(Instant.parse(newest.get("deadLetteredAt").getAsString()))
        .isAfterOrEqualTo(tooLongOfA.time());
    JsonObject record = lines.get(1).getAsJsonObject("record");
    assertThat(record.get("eventId").getAsString()).isEqualTo(nulOfA.eventId());
    assertThat(record.getAsJsonObject("payload").get("note").getAsString())
        .isEqualTo("bad\u0000byte");
    assertThat(run.out()).contains("\"note\":\"bad\\u0000byte\"");
  }

  @Test
  void noDeadLetters_saysSo_andExits0() throws Exception {
    Path other = home.resolve("other.properties");
    Files.writeString(
        other, Files.readString(config).replace("account=acct-a", "account=acct-none"));
    Run run = keeper("dead-letters", "--config", other.toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("no dead letters of account acct-none");
  }

  @Test
  void help_badUsage_andAMissingDatabase_haveTheirExitCodes() {
    Run help = keeper("dead-letters", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("Usage: keeper dead-letters", "Exit codes", "--all-accounts");

    Run zero = keeper("dead-letters", "--config", config.toString(), "--limit", "0");
    assertThat(zero.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(zero.err()).contains("--limit must be at least 1");

    Run nothing = keeper("dead-letters", "--home", home.resolve("nowhere").toString());
    assertThat(nothing.exit()).isEqualTo(ExitCodes.DATABASE);
    assertThat(nothing.err()).contains("no paper database");
  }
}
