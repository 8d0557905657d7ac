package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.Fixtures.event;
import static io.positionkeeper.postgres.Fixtures.position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The journal on PostgreSQL, for each write method: bad rows, escaping, size. */
class JooqAuditJournalIT {

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  private static JooqAuditJournal journal(JournalWriteMethod method) {
    return new JooqAuditJournal(TestDatabase.pool(), method);
  }

  /** Seed 001: one bad row must not cost the others; the refusal says which row it was. */
  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void batchWithOneRowForAMissingPosition_isRefusedWhole_namingThatRow(JournalWriteMethod m) {
    List<AuditRecord> batch = batchOf(10);
    AuditRecord bad = event("PHANTOM_POSITION_CLOSED", OptionalLong.of(987_654_321L));
    batch.set(4, bad);

    assertThatThrownBy(() -> journal(m).append(batch))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("events_position_id_fkey");
              assertThat(e.reason())
                  .startsWith("1 of 10 records refused")
                  .contains("event " + bad.eventId() + ": ")
                  .contains("987654321");
            });
    assertThat(TestDatabase.events()).isEmpty();

    // What the domain does next: the others are written, the bad one is dead-lettered.
    List<AuditRecord> good = new ArrayList<>(batch);
    good.remove(bad);
    journal(m).append(good);
    assertThat(TestDatabase.events()).containsExactlyElementsOf(good);
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
            io.positionkeeper.ports.model.Severity.ERROR,
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
    // Text fields reach COPY raw (the payload arrives JSON-escaped): tabs, newlines, backslashes.
    AuditRecord funnyKeys =
        new AuditRecord(
            "id\\with\tbackslash\\N",
            Fixtures.T0,
            Exchange.BYBIT,
            java.util.Optional.empty(),
            OptionalLong.empty(),
            "key\twith\ntab\rand\\N newline",
            "FUNNY_KEYS",
            io.positionkeeper.ports.model.Severity.WARNING,
            Map.of());

    journal(m).append(List.of(funnyPayload, funnyKeys));

    assertThat(TestDatabase.events()).containsExactly(funnyPayload, funnyKeys);
  }

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void largeBatch_isStoredWhole_inOrder(JournalWriteMethod m) {
    long positionId =
        new JooqPositionStore(TestDatabase.pool())
            .insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_OPENED"));
    List<AuditRecord> batch = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      batch.add(
          event("STOP_MOVED", i % 2 == 0 ? OptionalLong.of(positionId) : OptionalLong.empty()));
    }

    journal(m).append(batch);

    List<AuditRecord> stored = TestDatabase.events();
    assertThat(stored).hasSize(5_001);
    assertThat(stored.subList(1, stored.size())).containsExactlyElementsOf(batch);
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

  private static List<AuditRecord> batchOf(int n) {
    List<AuditRecord> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(event("STOP_MOVED"));
    }
    return batch;
  }
}
