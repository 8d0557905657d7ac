package io.positionkeeper.runner.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.observe.KeeperObserver;
import io.positionkeeper.runner.ops.OpsSettings;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import io.positionkeeper.runner.paper.PaperOptions;
import io.positionkeeper.runner.paper.PaperSession;
import io.positionkeeper.runner.paper.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled paper session with alerts posted to a receiver that never answers, and an observer
 * that throws on every call: the keeper trades exactly as without them (the positions and how they
 * closed are those of the plain run) and records no error.
 */
class TradingUnaffectedIT {
  @TempDir Path home;

  @Test
  void aHangingAlertReceiver_andAFailingObserver_changeNothingInTrading() throws Exception {
    AtomicLong observed = new AtomicLong();
    KeeperObserver failing =
        new KeeperObserver() {
          @Override
          public void onRecord(AuditRecord record) {
            observed.incrementAndGet();
            throw new IllegalStateException("observer broken on purpose");
          }

          @Override
          public void onStreamEvent(Exchange exchange, StreamEvent event) {
            throw new IllegalStateException("observer broken on purpose");
          }

          @Override
          public void onDatabaseFailure(String operation, RuntimeException failure) {
            throw new IllegalStateException("observer broken on purpose");
          }

          @Override
          public void onDatabaseAnswered(String operation) {
            throw new IllegalStateException("observer broken on purpose");
          }
        };
    PaperOptions options = new PaperOptions(home, true, Optional.empty(), Optional.empty());
    try (LoopbackReceiver receiver = new LoopbackReceiver()) {
      receiver.hang();
      OpsSettings ops =
          new OpsSettings(
              Optional.empty(),
              List.of(new AlertTarget.Webhook(URI.create(receiver.base() + "/hook"))),
              new AlertSender.Policy(2, 3, Duration.ofMillis(10), 100, Duration.ofSeconds(60)),
              Duration.ZERO,
              Duration.ofMillis(50));
      new PaperSession(
              options,
              Progress.forOutput(new PrintStream(new ByteArrayOutputStream()), false),
              ops,
              List.of(failing))
          .run();
    }
    assertThat(observed.get()).isPositive();
    try (EmbeddedDatabase db = EmbeddedDatabase.start(options.databaseDirectory(), false);
        HikariDataSource pool =
            PostgresPool.create(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres"))) {
      assertThat(
              strings(
                  pool,
                  "SELECT symbol || ' ' || side || ' ' || status || ' ' ||"
                      + " coalesce(close_reason, '-') FROM monitoring.positions ORDER BY id"))
          .containsExactly(
              "BTCUSDT LONG CLOSED TRAILING_STOP",
              "ETHUSDT SHORT CLOSED TRAILING_STOP",
              "SOLUSDT LONG CLOSED STOP_LOSS",
              "SOLUSDT SHORT ACTIVE -");
      assertThat(
              strings(
                  pool,
                  "SELECT count(*) FROM monitoring.events WHERE severity IN ('ERROR', 'CRITICAL')"))
          .containsExactly("0");
    }
  }

  private static List<String> strings(HikariDataSource pool, String sql) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        values.add(r.getString(1));
      }
    }
    return values;
  }
}
