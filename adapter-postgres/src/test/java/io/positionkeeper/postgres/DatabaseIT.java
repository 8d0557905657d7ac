package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.AuditRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** Work in parts on several connections: what each way of failing leaves in the database. */
class DatabaseIT {
  private final Database db = new Database(TestDatabase.pool());
  private final EventWriter writer = new CopyEventWriter();

  @BeforeEach
  void emptyDatabase() {
    TestDatabase.clean();
  }

  @Test
  void partsThatAllSucceed_areAllCommitted() {
    List<AuditRecord> first = events(300);
    List<AuditRecord> second = events(300);

    db.inTransactions("write", List.of(first, second), this::write);

    assertThat(TestDatabase.eventsByEventId()).containsExactlyElementsOf(concat(first, second));
    assertThat(TestDatabase.eventTransactions()).isEqualTo(2);
  }

  @Test
  void aPartThatFails_rollsBackThePartsThatSucceeded() {
    List<AuditRecord> good = events(300);
    List<AuditRecord> bad = events(300);
    bad.set(150, event("PHANTOM_POSITION_CLOSED", OptionalLong.of(555_555L)));

    assertThatThrownBy(() -> db.inTransactions("write", List.of(good, bad), this::write))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> assertThat(e.code()).isEqualTo("events_position_account_fkey"));
    assertThat(TestDatabase.events()).isEmpty();
  }

  @Test
  void aPartWhoseConnectionDiesBeforeItsCommit_leavesTheOutcomeUnknown_withTheOtherPartStored() {
    List<AuditRecord> survives = events(300);
    List<AuditRecord> dies = events(300);

    assertThatThrownBy(
            () ->
                db.inTransactions(
                    "write",
                    List.of(survives, dies),
                    (ctx, connection, part) -> {
                      writer.write(ctx, connection, DEFAULT, part);
                      if (part == dies) {
                        // Its work is done; the server ends its session before the commit.
                        int pid = connection.unwrap(PGConnection.class).getBackendPID();
                        TestDatabase.sql("SELECT pg_terminate_backend(" + pid + ")");
                      }
                    }))
        .isInstanceOf(OutcomeUnknownException.class)
        .hasMessageContaining("1 of 2 parts failed to commit while the others committed");

    // What the journal's caller does next, appending the whole batch again, completes it.
    assertThat(TestDatabase.eventsByEventId()).containsExactlyElementsOf(survives);
    new JooqAuditJournal(TestDatabase.pool()).append(concat(survives, dies));
    assertThat(TestDatabase.eventsByEventId()).containsExactlyElementsOf(concat(survives, dies));
  }

  private static List<AuditRecord> events(int n) {
    List<AuditRecord> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(event("STOP_MOVED"));
    }
    return events;
  }

  private static List<AuditRecord> concat(List<AuditRecord> a, List<AuditRecord> b) {
    List<AuditRecord> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static final AccountScope DEFAULT =
      AccountScope.of(io.positionkeeper.ports.model.AccountId.DEFAULT);

  private void write(org.jooq.DSLContext ctx, java.sql.Connection c, List<AuditRecord> part)
      throws java.sql.SQLException {
    writer.write(ctx, c, DEFAULT, part);
  }
}
