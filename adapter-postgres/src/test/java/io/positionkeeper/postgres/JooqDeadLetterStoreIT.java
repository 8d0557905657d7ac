package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.DEAD_LETTER_EVENTS;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JooqDeadLetterStoreIT {
  private final JooqDeadLetterStore store = new JooqDeadLetterStore(TestDatabase.pool());

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  /** The record the journal refused for a NUL character must not be refused here too. */
  @Test
  void recordWithNulCharacters_isKept_exactlyInTheJsonColumn() {
    AuditRecord refused =
        new AuditRecord(
            "nul\u0000id",
            Fixtures.T0.plusNanos(7),
            Exchange.BYBIT,
            Optional.empty(),
            OptionalLong.of(987_654_321L),
            "pk\u0000x",
            "ORDER_REJECTED",
            Severity.ERROR,
            Map.of("venue", "bad\u0000byte"));

    store.deadLetter(refused, "invalid byte sequence for encoding \"UTF8\": 0x00");

    assertThat(TestDatabase.deadLetters())
        .containsExactly(
            Map.entry("nul\uFFFDid", "invalid byte sequence for encoding \"UTF8\": 0x00"));
    String json =
        TestDatabase.jooq(
                ctx -> ctx.select(DEAD_LETTER_EVENTS.RECORD).from(DEAD_LETTER_EVENTS).fetchSingle())
            .value1()
            .data();
    assertThat(json)
        .contains("\"eventId\":\"nul\\u0000id\"")
        .contains("\"venue\":\"bad\\u0000byte\"")
        .contains("\"positionId\":987654321")
        .contains("\"time\":\"2025-10-24T01:06:31.193456007Z\"");
  }
}
