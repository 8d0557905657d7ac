package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.DEAD_LETTER_EVENTS;
import static io.positionkeeper.postgres.schema.Tables.EVENTS;
import static io.positionkeeper.postgres.schema.Tables.POSITIONS;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.ports.model.AuditRecord;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * The embedded PostgreSQL 17 the integration tests share: one server per test JVM (starting one
 * costs about a second on two cores), migrated once, behind one pool of this adapter.
 */
final class TestDatabase {
  private static EmbeddedPostgres server;
  private static HikariDataSource pool;

  private TestDatabase() {}

  /** The shared pool; the schema is migrated. */
  static synchronized DataSource pool() {
    if (pool == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
      }
      Migrations.migrate(server.getPostgresDatabase());
      pool = PostgresPool.create(config(server.getPort()).withMaximumPoolSize(8));
      EmbeddedPostgres started = server;
      HikariDataSource created = pool;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    created.close();
                    try {
                      started.close();
                    } catch (IOException e) {
                      e.printStackTrace();
                    }
                  }));
    }
    return pool;
  }

  /** The shared server's port (the pool is started first). */
  static synchronized int port() {
    pool();
    return server.getPort();
  }

  static PostgresConfig config(int port) {
    return PostgresConfig.of("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
  }

  /** Empties every table of the monitoring schema. */
  static void clean() {
    // The trail refuses TRUNCATE (V5); a test's clean-up runs with triggers off.
    sql(
        "SET session_replication_role = replica; TRUNCATE monitoring.events, monitoring.trailing_stop_state, monitoring.positions,"
            + " monitoring.signals, monitoring.dead_letter_events;"
            + " RESET session_replication_role");
  }

  static void sql(String statement) {
    try (Connection c = pool().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    } catch (SQLException e) {
      throw new IllegalStateException(statement, e);
    }
  }

  static <T> T jooq(java.util.function.Function<DSLContext, T> query) {
    try (Connection c = pool().getConnection()) {
      return query.apply(Database.dsl(c));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every stored audit record, in the order stored. */
  static List<AuditRecord> events() {
    return jooq(
        ctx ->
            ctx.selectFrom(EVENTS).orderBy(EVENTS.ID).fetch(AuditRows::toRecord).stream().toList());
  }

  /**
   * Every stored audit record in the order of its event id: the order in which records made by
   * {@link io.positionkeeper.ports.model.EventIds} were made, however many transactions wrote them.
   */
  static List<AuditRecord> eventsByEventId() {
    return jooq(
        ctx ->
            ctx.selectFrom(EVENTS).orderBy(EVENTS.EVENT_ID).fetch(AuditRows::toRecord).stream()
                .toList());
  }

  /** How many transactions wrote the stored events (their distinct {@code xmin}). */
  static int eventTransactions() {
    return jooq(
        ctx ->
            ctx.fetchOne("SELECT count(DISTINCT xmin::text) FROM monitoring.events")
                .get(0, Integer.class));
  }

  /** Every stored audit record of one account, in the order stored. */
  static List<AuditRecord> eventsOf(io.positionkeeper.ports.model.AccountId account) {
    return jooq(
        ctx ->
            ctx
                .selectFrom(EVENTS)
                .where(EVENTS.ACCOUNT.eq(account.value()))
                .orderBy(EVENTS.ID)
                .fetch(AuditRows::toRecord)
                .stream()
                .toList());
  }

  /** The stored audit records about one position. */
  static List<AuditRecord> eventsOf(long positionId) {
    return jooq(
        ctx ->
            ctx
                .selectFrom(EVENTS)
                .where(EVENTS.POSITION_ID.eq(positionId))
                .orderBy(EVENTS.ID)
                .fetch(AuditRows::toRecord)
                .stream()
                .toList());
  }

  static int positionCount() {
    return jooq(ctx -> ctx.fetchCount(POSITIONS));
  }

  /** The dead letters: event id to reason, in order. */
  static List<Map.Entry<String, String>> deadLetters() {
    return jooq(
        ctx ->
            ctx.select(DEAD_LETTER_EVENTS.EVENT_ID, DEAD_LETTER_EVENTS.REASON)
                .from(DEAD_LETTER_EVENTS)
                .orderBy(DEAD_LETTER_EVENTS.ID)
                .fetch(r -> Map.entry(r.value1(), r.value2())));
  }
}
