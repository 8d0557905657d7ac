package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.DEAD_LETTER_EVENTS;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import java.util.List;
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

  /**
   * A dead letter keeps the account of the store (the journal's) that kept it; reads see their own.
   */
  @Test
  void deadLetters_carryTheStoresAccount_andEachAccountReadsItsOwnOnly() {
    AccountId a = AccountId.of("acct-a");
    AccountId b = AccountId.of("acct-b");
    JooqDeadLetterStore storeA = new JooqDeadLetterStore(TestDatabase.pool(), a);
    JooqDeadLetterStore storeB = new JooqDeadLetterStore(TestDatabase.pool(), b);

    storeA.deadLetter(refused("a-1"), "refused a-1");
    storeB.deadLetter(refused("b-1"), "refused b-1");
    storeA.deadLetter(refused("a-2"), "refused a-2");

    List<JooqDeadLetterStore.DeadLetter> ofA = storeA.deadLetters(10);
    assertThat(ofA)
        .extracting(JooqDeadLetterStore.DeadLetter::eventId)
        .containsExactly("a-2", "a-1");
    assertThat(ofA).extracting(JooqDeadLetterStore.DeadLetter::account).containsOnly(a);
    assertThat(ofA.get(0).reason()).isEqualTo("refused a-2");
    assertThat(ofA.get(0).recordJson()).contains("\"eventId\":\"a-2\"");
    assertThat(storeB.deadLetters(10))
        .extracting(JooqDeadLetterStore.DeadLetter::eventId)
        .containsExactly("b-1");
    assertThat(storeA.deadLetters(1)).hasSize(1);
    List<String> stored =
        TestDatabase.jooq(
            ctx ->
                ctx.select(DEAD_LETTER_EVENTS.ACCOUNT)
                    .from(DEAD_LETTER_EVENTS)
                    .orderBy(DEAD_LETTER_EVENTS.ID)
                    .fetch(DEAD_LETTER_EVENTS.ACCOUNT));
    assertThat(stored).containsExactly("acct-a", "acct-b", "acct-a");
  }

  /** The store without an account keeps the single-account setups' 'default'. */
  @Test
  void theStoreWithoutAnAccount_writesTheDefaultAccount() {
    store.deadLetter(refused("d-1"), "refused");

    assertThat(new JooqDeadLetterStore(TestDatabase.pool(), AccountId.DEFAULT).deadLetters(5))
        .extracting(JooqDeadLetterStore.DeadLetter::eventId)
        .containsExactly("d-1");
    assertThat(new JooqDeadLetterStore(TestDatabase.pool(), AccountId.of("other")).deadLetters(5))
        .isEmpty();
  }

  private static AuditRecord refused(String eventId) {
    return new AuditRecord(
        eventId,
        Fixtures.T0,
        Exchange.BINANCE,
        Optional.empty(),
        OptionalLong.empty(),
        "pk-" + eventId,
        "ORDER_REJECTED",
        Severity.ERROR,
        Map.of("k", "v"));
  }
}
