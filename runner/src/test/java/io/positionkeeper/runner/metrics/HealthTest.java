package io.positionkeeper.runner.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Readiness says which of its three conditions fails: streams, database, lease. */
class HealthTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final StreamWatch streams = new StreamWatch(clock, List.of(Exchange.BINANCE));

  @Test
  void notReady_untilTheStreamsResync_andAgainWhenTheyDrop() {
    Health health = new Health(streams, new Unreachable(false), () -> true, Duration.ofSeconds(1));
    assertThat(health.check().ready()).isFalse();
    assertThat(health.check().checks().get("streams")).contains("BINANCE=DISCONNECTED");

    state(ConnectionState.CONNECTED);
    state(ConnectionState.RESYNCED);
    assertThat(health.check().ready()).isTrue();

    state(ConnectionState.DISCONNECTED);
    assertThat(health.check().ready()).isFalse();
    assertThat(streams.venues().get(Exchange.BINANCE).reconnects()).isEqualTo(1);
  }

  @Test
  void notReady_whenTheDatabaseDoesNotAnswer_orTheLeaseIsLost() {
    state(ConnectionState.RESYNCED);
    Health noDb = new Health(streams, new Unreachable(true), () -> true, Duration.ofSeconds(1));
    assertThat(noDb.check().ready()).isFalse();
    assertThat(noDb.check().checks().get("database")).startsWith("unreachable: connection refused");

    Health noLease =
        new Health(streams, new Unreachable(false), () -> false, Duration.ofSeconds(1));
    assertThat(noLease.check().ready()).isFalse();
    assertThat(noLease.check().checks().get("lease")).isEqualTo("not held by this runner");
  }

  private void state(ConnectionState s) {
    streams.onStreamEvent(
        Exchange.BINANCE, new StreamEvent.ConnectionChanged(s, "test", clock.now()));
  }

  /** A data source that refuses connections, or hands out a connection that says it is valid. */
  private record Unreachable(boolean refuse) implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      if (refuse) {
        throw new SQLException("connection refused");
      }
      return (Connection)
          java.lang.reflect.Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "isValid" -> true;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                  });
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
