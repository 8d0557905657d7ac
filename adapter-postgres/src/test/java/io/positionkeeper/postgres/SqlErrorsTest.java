package io.positionkeeper.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PersistenceException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class SqlErrorsTest {

  private static PSQLException server(String state, String message, String constraint) {
    String raw = "SERROR\0VERROR\0C" + state + "\0M" + message + "\0";
    if (constraint != null) {
      raw += "n" + constraint + "\0";
    }
    return new PSQLException(new ServerErrorMessage(raw));
  }

  @Test
  void integrityViolation_isRejected_codedWithTheConstraint_keepingTheCause() {
    PSQLException cause = server("23503", "insert violates foreign key", "events_position_id_fkey");

    PortException e = SqlErrors.translate("append", new DataAccessException("x", cause));

    assertThat(e)
        .isInstanceOfSatisfying(
            RejectedException.class,
            r -> {
              assertThat(r.code()).isEqualTo("events_position_id_fkey");
              assertThat(r.reason()).contains("insert violates foreign key").contains("23503");
            })
        .hasRootCause(cause);
  }

  /** An index entry too large is that record's fault: retried, it would stop the trail for ever. */
  @Test
  void programLimitExceeded_isARefusalOfThatRecord_notAnOutage() {
    PortException e =
        SqlErrors.translate(
            "append", server("54000", "index row size 3096 exceeds btree maximum 2704", null));
    assertThat(e)
        .isInstanceOfSatisfying(
            RejectedException.class, r -> assertThat(r.code()).isEqualTo("54000"));
  }

  @Test
  void theOpenPositionIndex_isReportedWithTheFakesCode() {
    PortException e =
        SqlErrors.translate(
            "insert", server("23505", "duplicate key", "positions_one_open_per_account_symbol"));

    assertThat(e)
        .isInstanceOfSatisfying(
            RejectedException.class, r -> assertThat(r.code()).isEqualTo("UNIQUE_OPEN_POSITION"));
  }

  @Test
  void dataException_withoutConstraint_isRejected_codedWithTheSqlState() {
    PortException e =
        SqlErrors.translate("append", server("22P05", "unsupported Unicode escape", null));

    assertThat(e)
        .isInstanceOfSatisfying(
            RejectedException.class, r -> assertThat(r.code()).isEqualTo("22P05"));
  }

  @Test
  void connectionFailures_andPoolTimeouts_arePersistenceExceptions() {
    assertThat(SqlErrors.translate("a", new SQLException("refused", "08001")))
        .isInstanceOf(PersistenceException.class)
        .hasCauseInstanceOf(SQLException.class);
    assertThat(SqlErrors.translate("a", server("57P01", "terminating connection", null)))
        .isInstanceOf(PersistenceException.class);
    assertThat(
            SqlErrors.translate(
                "a", new SQLTransientConnectionException("Connection is not available")))
        .isInstanceOf(PersistenceException.class);
  }

  @Test
  void aFailedBatch_isJudgedByTheServersReason_chainedBehindIt() {
    BatchUpdateException batch =
        new BatchUpdateException("Batch entry 3 was aborted", null, 0, new int[0], null);
    batch.setNextException(server("23505", "duplicate key", "events_event_id_key"));

    assertThat(SqlErrors.translate("append", batch))
        .isInstanceOfSatisfying(
            RejectedException.class, r -> assertThat(r.code()).isEqualTo("events_event_id_key"));
  }

  @Test
  void connectionLostWhileCommitting_isAnUnknownOutcome_butARefusedCommitIsNot() {
    assertThat(SqlErrors.translateCommit("insert", new SQLException("I/O error", "08006")))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThat(
            SqlErrors.translateCommit(
                "insert",
                server("23505", "duplicate key", "positions_one_open_per_account_symbol")))
        .isInstanceOf(RejectedException.class);
  }

  @Test
  void serializationFailuresAndDeadlocks_areRetryable_otherStatesPersistence() {
    assertThat(SqlErrors.translate("a", server("40P01", "deadlock detected", null)))
        .isInstanceOf(RetryableException.class);
    assertThat(SqlErrors.translate("a", server("40001", "could not serialize", null)))
        .isInstanceOf(RetryableException.class);
    // A missing table (migrations not run) must not make the caller discard data as refused.
    assertThat(SqlErrors.translate("a", server("42P01", "relation does not exist", null)))
        .isInstanceOf(PersistenceException.class);
    assertThat(SqlErrors.translate("a", server("25006", "read-only transaction", null)))
        .isInstanceOf(PersistenceException.class);
  }
}
