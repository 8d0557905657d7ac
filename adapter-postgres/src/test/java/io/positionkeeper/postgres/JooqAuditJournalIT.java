package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.Fixtures.event;
import static io.positionkeeper.postgres.Fixtures.position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.EventIds;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The journal on PostgreSQL, for each write method: bad rows, escaping, size, parts. */
class JooqAuditJournalIT {

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  private static JooqAuditJournal journal(JournalWriteMethod method) {
    return new JooqAuditJournal(TestDatabase.pool(), method);
  }

  /**
   * One bad row must not cost the others (in the bot this project replaces, it failed a whole
   * batched insert and every event in it was lost); the refusal says which row it was. The batch of
   * 2000 goes in two parts, the bad row in the last: the first part, written without fault, is
   * rolled back with it.
   */
  @ParameterizedTest
  @CsvSource({"COPY, 10, 4", "BATCH, 10, 4", "COPY, 2000, 1900", "BATCH, 2000, 1900"})
  void batchWithOneRowForAMissingPosition_isRefusedWhole_namingThatRow(
      JournalWriteMethod m, int size, int badAt) {
    List<AuditRecord> batch = batchOf(size);
    AuditRecord bad = event("PHANTOM_POSITION_CLOSED", OptionalLong.of(987_654_321L));
    batch.set(badAt, bad);

    assertRefusedForTheMissingPosition(journal(m), batch, bad);
    assertThat(TestDatabase.events()).isEmpty();

    // What the domain does next: the others are written, the bad one is dead-lettered.
    List<AuditRecord> good = new ArrayList<>(batch);
    good.remove(bad);
    journal(m).append(good);
    assertThat(TestDatabase.eventsByEventId()).containsExactlyElementsOf(good);
  }

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void batchWithTwoBadValues_namesBoth_withTheirReasons(JournalWriteMethod m) {
    List<AuditRecord> batch = batchOf(6);
    AuditRecord nulInPayload =
        event("ORDER_REJECTED", OptionalLong.empty(), Map.of("venue", "bad\u0000byte"));
    AuditRecord nulInKey =
        new AuditRecord(
            "nul-key-1",
            Fixtures.T0,
            Exchange.BYBIT,
            java.util.Optional.empty(),
            OptionalLong.empty(),
            "pk\u0000x",
            "ORDER_REJECTED",
            Severity.ERROR,
            Map.of());
    batch.set(1, nulInPayload);
    batch.set(5, nulInKey);

    assertThatThrownBy(() -> journal(m).append(batch))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("22P05");
              assertThat(e.reason())
                  .startsWith("2 of 6 records refused")
                  .contains("event " + nulInPayload.eventId() + ": ")
                  .contains("event nul-key-1: ")
                  .contains("22021");
            });
    assertThat(TestDatabase.events()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void payloadsWithEveryKindOfCharacter_comeBackExactly(JournalWriteMethod m) {
    Map<String, String> payload = new LinkedHashMap<>();
    payload.put("tab", "a\tb");
    payload.put("newlines", "line1\nline2\r\nline3");
    payload.put("backslashes", "C:\\path\\N \\\\ \\t");
    payload.put("copy null marker", "\\N");
    payload.put("quotes", "\"double\" 'single'");
    payload.put("json", "{\"nested\": [1, 2]}");
    payload.put("unicode", "ⓈÜ 比特币 🚀 \u2028");
    payload.put("control", "\u0001\u001f");
    payload.put("empty", "");
    payload.put("long", "x".repeat(100_000));
    payload.put("key\twith\\odd \"chars\"", "v");
    AuditRecord funnyPayload = event("FUNNY_PAYLOAD", OptionalLong.empty(), payload);
    // Characters special to COPY in text form (tab, newline, backslash, \N) in the text fields.
    AuditRecord funnyKeys =
        new AuditRecord(
            "id\\with\tbackslash\\N",
            Fixtures.T0,
            Exchange.BYBIT,
            java.util.Optional.empty(),
            OptionalLong.empty(),
            "key\twith\ntab\rand\\N newline",
            "FUNNY_KEYS",
            Severity.WARNING,
            Map.of());

    journal(m).append(List.of(funnyPayload, funnyKeys));

    assertThat(TestDatabase.events()).containsExactly(funnyPayload, funnyKeys);
  }

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void largeBatch_isStoredWhole_inTwoTransactionsAtOnce(JournalWriteMethod m) {
    long positionId =
        new JooqPositionStore(TestDatabase.pool())
            .insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_OPENED"));
    List<AuditRecord> batch = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      batch.add(
          event("STOP_MOVED", i % 2 == 0 ? OptionalLong.of(positionId) : OptionalLong.empty()));
    }

    journal(m).append(batch);

    List<AuditRecord> stored = TestDatabase.eventsByEventId();
    assertThat(stored).hasSize(5_001);
    assertThat(stored.subList(1, stored.size())).containsExactlyElementsOf(batch);
    // The position's insert, then the batch's two parts.
    assertThat(TestDatabase.eventTransactions()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void largeBatch_onOneConnection_isOneTransaction_inOrder(JournalWriteMethod m) {
    List<AuditRecord> batch = batchOf(5_000);

    new JooqAuditJournal(TestDatabase.pool(), m, 1).append(batch);

    assertThat(TestDatabase.events()).containsExactlyElementsOf(batch);
    assertThat(TestDatabase.eventTransactions()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void largeBatchWithAnEventIdInBothParts_isStoredOnce_asTheFirst(JournalWriteMethod m) {
    List<AuditRecord> batch = batchOf(2_000);
    AuditRecord first = batch.get(10);
    AuditRecord sameId =
        new AuditRecord(
            first.eventId(),
            first.time(),
            first.exchange(),
            first.symbol(),
            first.positionId(),
            first.correlationKey(),
            "ANOTHER_TYPE",
            first.severity(),
            first.payload());
    batch.set(1_990, sameId);

    // Two uncommitted parts holding one id would wait on each other for ever.
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> journal(m).append(batch));

    List<AuditRecord> expected = new ArrayList<>(batch);
    expected.remove(1_990);
    assertThat(TestDatabase.eventsByEventId()).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void replayOfALargeBatch_whosePartsAreHalfStored_storesTheRestOnce(JournalWriteMethod m) {
    List<AuditRecord> batch = batchOf(3_000);
    JooqAuditJournal journal = journal(m);
    // Both parts of the replay meet ids stored already (a commit lost after one part, say).
    journal.append(batch.subList(0, 700));
    journal.append(batch.subList(1_500, 2_200));

    journal.append(batch);

    assertThat(TestDatabase.eventsByEventId()).containsExactlyElementsOf(batch);
  }

  /**
   * A time outside PostgreSQL's range never reaches the journal: the record cannot be made (it used
   * to reach COPY and fail there, and on the BATCH path escape as a raw DateTimeException). The
   * journal's edge of the range is kept exactly.
   */
  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void timesAtTheEdgesOfPostgresRange_areStoredExactly_andBeyondThemNoRecordCanBeMade(
      JournalWriteMethod m) {
    assertThatThrownBy(() -> recordAt(Instant.parse("+300000-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside what a journal keeps");
    AuditRecord last = recordAt(AuditRecord.MAX_TIME);
    AuditRecord first = recordAt(AuditRecord.MIN_TIME);

    journal(m).append(List.of(last, first));

    assertThat(TestDatabase.events()).containsExactly(last, first);
  }

  private static AuditRecord recordAt(Instant time) {
    return new AuditRecord(
        EventIds.next(),
        time,
        Exchange.BINANCE,
        Optional.empty(),
        OptionalLong.empty(),
        "pk-open-BTCUSDT",
        "STOP_MOVED",
        Severity.INFO,
        Map.of());
  }

  @Test
  void moreConnectionsThanThePoolHas_isRefusedAtOnce() {
    // TestDatabase's pool has 8.
    assertThatThrownBy(() -> new JooqAuditJournal(TestDatabase.pool(), JournalWriteMethod.COPY, 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pool's maximum size (8)");
    assertThatThrownBy(() -> new JooqAuditJournal(TestDatabase.pool(), JournalWriteMethod.COPY, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connections must be >= 1");
  }

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void theSameRecordTwiceInOneBatch_isStoredOnce(JournalWriteMethod m) {
    AuditRecord a = event("STOP_PLACED");

    journal(m).append(List.of(a, a));

    assertThat(TestDatabase.events()).containsExactly(a);
  }

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void refusedBatch_thenGoodBatch_onTheSameConnections_work(JournalWriteMethod m) {
    JooqAuditJournal journal = journal(m);
    // More refusals than the pool has connections: a refusal must not leave a connection unusable
    // (the staging table of COPY, an aborted transaction).
    for (int i = 0; i < 10; i++) {
      AuditRecord bad = event("X", OptionalLong.of(1_000_000L + i));
      assertThatThrownBy(() -> journal.append(List.of(bad))).isInstanceOf(RejectedException.class);
    }
    List<AuditRecord> good = batchOf(20);

    journal.append(good);

    assertThat(TestDatabase.events()).containsExactlyElementsOf(good);
  }

  /**
   * Issue 13: a journal of account B writing an event about a position of account A is refused by
   * the schema's (position_id, account) key, whole batch, naming the record; the good records then
   * go through alone.
   */
  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void anEventAboutAnotherAccountsPosition_isRefused_andNamed(JournalWriteMethod m) {
    AccountId a = AccountId.of("acct-a");
    AccountId b = AccountId.of("acct-b");
    long ofA =
        new JooqPositionStore(TestDatabase.pool(), a)
            .insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_CREATED"));
    long ofB =
        new JooqPositionStore(TestDatabase.pool(), b)
            .insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_CREATED"));
    JooqAuditJournal journalOfB = new JooqAuditJournal(TestDatabase.pool(), m, 2, b);
    AuditRecord own = event("STOP_MOVED", OptionalLong.of(ofB));
    AuditRecord none = event("STOP_MOVED");
    AuditRecord bad = event("STOP_MOVED", OptionalLong.of(ofA));
    int before = TestDatabase.eventsOf(b).size();

    assertThatThrownBy(() -> journalOfB.append(List.of(own, bad, none)))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("events_position_account_fkey");
              assertThat(e.reason())
                  .startsWith("1 of 3 records refused")
                  .contains("event " + bad.eventId() + ": ");
            });
    assertThat(TestDatabase.eventsOf(b)).hasSize(before);

    journalOfB.append(List.of(own, none));
    assertThat(TestDatabase.eventsOf(b)).hasSize(before + 2);
    assertThat(TestDatabase.eventsOf(a)).noneMatch(r -> r.eventId().equals(bad.eventId()));
  }

  /** The batch is refused whole, and the refusal names {@code bad}, whose position has no row. */
  private static void assertRefusedForTheMissingPosition(
      JooqAuditJournal journal, List<AuditRecord> batch, AuditRecord bad) {
    assertThatThrownBy(() -> journal.append(batch))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("events_position_account_fkey");
              assertThat(e.reason())
                  .startsWith("1 of " + batch.size() + " records refused")
                  .contains("event " + bad.eventId() + ": ")
                  .contains(Long.toString(bad.positionId().orElseThrow()));
            });
  }

  private static List<AuditRecord> batchOf(int n) {
    List<AuditRecord> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(event("STOP_MOVED"));
    }
    return batch;
  }
}
