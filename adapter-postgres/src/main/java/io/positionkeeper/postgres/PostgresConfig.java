package io.positionkeeper.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the database is and how the pool treats it. The password is never part of {@link
 * #toString()}.
 *
 * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/positionkeeper}
 * @param user the database user
 * @param password the user's password (from the environment, never from a file in the repository)
 * @param maximumPoolSize connections at most; a handful is enough for one bot
 * @param connectionTimeout how long a caller waits for a connection before the call fails with a
 *     {@code PersistenceException} (while the database is down, every call waits this long)
 * @param statementTimeout the server cancels a statement that runs longer
 * @param socketTimeout the driver gives up on a server that stops answering (a half-open TCP
 *     connection); longer than {@code statementTimeout}
 */
public record PostgresConfig(
    String jdbcUrl,
    String user,
    String password,
    int maximumPoolSize,
    Duration connectionTimeout,
    Duration statementTimeout,
    Duration socketTimeout) {

  public PostgresConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("jdbcUrl must be a jdbc:postgresql: URL, was " + jdbcUrl);
    }
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (maximumPoolSize < 1) {
      throw new IllegalArgumentException("maximumPoolSize must be >= 1, was " + maximumPoolSize);
    }
    positive(connectionTimeout, "connectionTimeout");
    positive(statementTimeout, "statementTimeout");
    positive(socketTimeout, "socketTimeout");
    if (socketTimeout.compareTo(statementTimeout) <= 0) {
      throw new IllegalArgumentException(
          "socketTimeout ("
              + socketTimeout
              + ") must be longer than statementTimeout ("
              + statementTimeout
              + ")");
    }
  }

  /** The defaults for one bot: 4 connections, 5 s to get one, 30 s per statement, 60 s socket. */
  public static PostgresConfig of(String jdbcUrl, String user, String password) {
    return new PostgresConfig(
        jdbcUrl,
        user,
        password,
        4,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60));
  }

  public PostgresConfig withMaximumPoolSize(int size) {
    return new PostgresConfig(
        jdbcUrl, user, password, size, connectionTimeout, statementTimeout, socketTimeout);
  }

  public PostgresConfig withConnectionTimeout(Duration timeout) {
    return new PostgresConfig(
        jdbcUrl, user, password, maximumPoolSize, timeout, statementTimeout, socketTimeout);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  @Override
  public String toString() {
    return "PostgresConfig[jdbcUrl="
        + jdbcUrl
        + ", user="
        + user
        + ", password=***, maximumPoolSize="
        + maximumPoolSize
        + ", connectionTimeout="
        + connectionTimeout
        + ", statementTimeout="
        + statementTimeout
        + ", socketTimeout="
        + socketTimeout
        + "]";
  }
}
