package io.positionkeeper.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.AuditJournal;
import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AuditRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One bad record among 50 good ones, through the real journal and dead-letter store: the journal
 * refuses it as that record's refusal (never as an outage), and what the port's contract tells a
 * caller to do (split a refused batch until the refused record is alone, dead-letter it) writes the
 * 50 and keeps the bad one exactly.
 */
class OneBadRowIT {

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void aLoneSurrogateInAPayload_isRefusedAndDeadLetteredExactly_theFiftyOthersWritten(
      JournalWriteMethod method) {
    JooqAuditJournal journal = new JooqAuditJournal(TestDatabase.pool(), method);
    JooqDeadLetterStore deadLetters = new JooqDeadLetterStore(TestDatabase.pool());
    AuditRecord bad =
        Fixtures.event("ORDER_REJECTED", OptionalLong.empty(), Map.of("msg", "half \uD83D pair"));
    List<AuditRecord> batch = new ArrayList<>();
    batch.add(bad);
    for (int i = 0; i < 50; i++) {
      batch.add(Fixtures.event("STOP_PLACED"));
    }

    assertThatThrownBy(() -> journal.append(batch))
        .isInstanceOfSatisfying(
            RejectedException.class,
            r -> {
              assertThat(r.code()).isEqualTo(StorableText.UNPAIRED_SURROGATE);
              assertThat(r.reason()).contains(bad.eventId()).contains("U+D83D");
            });
    assertThat(TestDatabase.events()).isEmpty();

    bisect(journal, deadLetters, batch);

    assertThat(TestDatabase.events()).containsExactlyElementsOf(batch.subList(1, 51));
    assertThat(TestDatabase.deadLetters())
        .singleElement()
        .satisfies(d -> assertThat(d.getKey()).isEqualTo(bad.eventId()));
    // Stored equals submitted: the dead letter's JSON holds the lone surrogate as its escape.
    String json =
        TestDatabase.jooq(
            ctx ->
                ctx.fetchOne("SELECT record::text FROM monitoring.dead_letter_events")
                    .get(0, String.class));
    assertThat(json).contains("half \\ud83d pair");
  }

  /** A paired surrogate (an emoji) is text like any other: stored, read back equal. */
  @ParameterizedTest
  @EnumSource(JournalWriteMethod.class)
  void aPairedSurrogate_isStoredAsSubmitted(JournalWriteMethod method) {
    AuditRecord emoji =
        Fixtures.event("ORDER_REJECTED", OptionalLong.empty(), Map.of("msg", "ok \uD83D\uDE00"));
    new JooqAuditJournal(TestDatabase.pool(), method).append(List.of(emoji));
    assertThat(TestDatabase.events()).containsExactly(emoji);
  }

  /** What the domain's writer does with a refused batch, reduced to the port's contract. */
  private static void bisect(
      AuditJournal journal, DeadLetterStore deadLetters, List<AuditRecord> b) {
    try {
      journal.append(b);
    } catch (RejectedException e) {
      if (b.size() == 1) {
        deadLetters.deadLetter(b.getFirst(), e.code() + ": " + e.reason());
        return;
      }
      bisect(journal, deadLetters, b.subList(0, b.size() / 2));
      bisect(journal, deadLetters, b.subList(b.size() / 2, b.size()));
    }
  }
}
