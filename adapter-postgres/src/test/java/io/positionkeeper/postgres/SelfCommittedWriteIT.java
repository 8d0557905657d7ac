package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.Fixtures.event;
import static io.positionkeeper.postgres.Fixtures.position;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A position write is one statement that commits itself (the fence, the change and its event). A
 * connection lost while that statement runs may have lost the answer of its commit: the caller is
 * told the outcome is unknown (the opener then reads the row back), never that nothing was written.
 * And the statement is atomic: here the server ended it before it committed, so neither the change
 * nor its event is stored.
 */
class SelfCommittedWriteIT {
  private JooqPositionStore store;

  @BeforeEach
  void setUp() {
    store = new JooqPositionStore(TestDatabase.pool());
    TestDatabase.clean();
  }

  @Test
  void insert_whoseConnectionIsLostWhileItRuns_isUnknown_andStoresNeitherRowNorEvent()
      throws Exception {
    try (Connection blocker = TestDatabase.pool().getConnection()) {
      // An uncommitted open position on the same symbol: the insert waits on the unique index.
      blocker.setAutoCommit(false);
      insertUncommitted(blocker);
      CompletableFuture<Long> insert =
          CompletableFuture.supplyAsync(
              () -> store.insert(position(Exchange.BINANCE, "BTCUSDT"), event("POSITION_OPENED")));
      terminateTheWaitingWriter();

      assertThat(failureOf(insert)).isInstanceOf(OutcomeUnknownException.class);
      blocker.rollback();
    }
    assertThat(TestDatabase.positionCount()).isZero();
    assertThat(TestDatabase.events()).isEmpty();
  }

  @Test
  void change_whoseConnectionIsLostWhileItRuns_isUnknown_andLeavesRowAndTrailAsTheyWere()
      throws Exception {
    long id = store.insert(position(Exchange.BINANCE, "ETHUSDT"), event("POSITION_OPENED"));
    try (Connection blocker = TestDatabase.pool().getConnection()) {
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("SELECT 1 FROM monitoring.positions WHERE id = " + id + " FOR UPDATE");
      }
      CompletableFuture<Void> closing =
          CompletableFuture.runAsync(
              () -> store.markClosing(id, event("POSITION_CLOSING", OptionalLong.of(id))));
      terminateTheWaitingWriter();

      assertThat(failureOf(closing)).isInstanceOf(OutcomeUnknownException.class);
      blocker.rollback();
    }
    assertThat(store.find(id).orElseThrow().status()).isEqualTo(PositionStatus.ACTIVE);
    assertThat(TestDatabase.eventsOf(id))
        .extracting(r -> r.type())
        .containsExactly("POSITION_OPENED");
  }

  private static void insertUncommitted(Connection c) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO monitoring.positions (account, exchange, symbol, side, quantity,"
              + " entry_price, status, exchange_order_id, opened_at, updated_at)"
              + " VALUES ('default', 'BINANCE', 'BTCUSDT', 'LONG', 1, 1, 'ACTIVE',"
              + " 'blocker-1', now(), now())");
    }
  }

  /** Waits until a writer of the pool waits for a lock the blocker holds, and ends its session. */
  private static void terminateTheWaitingWriter() throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      try (Connection c = TestDatabase.pool().getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      + " WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()")) {
        if (rs.next() && rs.getBoolean(1)) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no writer waited for the blocker's lock within 60 s");
  }

  private static Throwable failureOf(CompletableFuture<?> write) throws Exception {
    try {
      write.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the write succeeded though its session was ended");
  }
}
