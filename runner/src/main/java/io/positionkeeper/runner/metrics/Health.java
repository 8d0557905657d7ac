package io.positionkeeper.runner.metrics;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * Readiness: the streams of every venue resynced, the database answering within its bound, and the
 * account's lease held. Each check says what it saw, so a failing probe tells a person why.
 */
public final class Health {
  /** The verdict and each check's finding ({@code ok} or what is wrong). */
  public record Status(boolean ready, Map<String, String> checks) {
    public Status {
      checks = Map.copyOf(checks);
    }
  }

  private final StreamWatch streams;
  private final DataSource database;
  private final BooleanSupplier leaseHeld;
  private final Duration databaseBound;

  public Health(
      StreamWatch streams, DataSource database, BooleanSupplier leaseHeld, Duration databaseBound) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.database = Objects.requireNonNull(database, "database");
    this.leaseHeld = Objects.requireNonNull(leaseHeld, "leaseHeld");
    this.databaseBound = Objects.requireNonNull(databaseBound, "databaseBound");
  }

  public Status check() {
    Map<String, String> checks = new LinkedHashMap<>();
    checks.put("streams", streams());
    checks.put("database", database());
    checks.put("lease", leaseHeld.getAsBoolean() ? "ok" : "not held by this runner");
    boolean ready = checks.values().stream().allMatch("ok"::equals);
    return new Status(ready, checks);
  }

  private String streams() {
    if (streams.allResynced()) {
      return "ok";
    }
    StringBuilder b = new StringBuilder("not resynced:");
    streams.venues().forEach((ex, v) -> b.append(' ').append(ex).append('=').append(v.state()));
    return b.toString();
  }

  /** A pool waits up to its own timeout for a connection; the probe waits only its bound. */
  private String database() {
    CompletableFuture<String> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try (Connection c = database.getConnection()) {
                return c.isValid((int) Math.max(1, databaseBound.toSeconds()))
                    ? "ok"
                    : "connection not valid";
              } catch (SQLException e) {
                return "unreachable: " + e.getMessage();
              }
            });
    try {
      return answer.get(databaseBound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return "no answer within " + databaseBound.toMillis() + " ms";
    } catch (ExecutionException e) {
      return "check failed: " + e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "check interrupted";
    }
  }
}
