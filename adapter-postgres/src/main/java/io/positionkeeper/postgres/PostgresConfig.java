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
      throw new IllegalArgumentException(
          "jdbcUrl must be a jdbc:postgresql: URL, was " + redacted(jdbcUrl));
    }
    if (holdsSecret(jdbcUrl)) {
      // A URL is printed by pools, drivers and stack traces; a password in it would be logged.
      throw new IllegalArgumentException(
          "jdbcUrl must not hold a password (give it as the password, from the environment): "
              + redacted(jdbcUrl));
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

  private static final java.util.regex.Pattern SECRET_PARAMETER =
      java.util.regex.Pattern.compile("(?i)([?&](?:password|sslpassword|sslkey)=)[^&]*");
  private static final java.util.regex.Pattern USER_INFO =
      java.util.regex.Pattern.compile("(//)[^/@?]*@");

  private static boolean holdsSecret(String url) {
    return SECRET_PARAMETER.matcher(url).find() || USER_INFO.matcher(url).find();
  }

  /** The URL with every secret parameter's value and any user info replaced by {@code ***}. */
  static String redacted(String url) {
    String noParams = SECRET_PARAMETER.matcher(url).replaceAll("$1***");
    return USER_INFO.matcher(noParams).replaceAll("$1***@");
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
        + redacted(jdbcUrl)
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
