package io.positionkeeper.runner.commands;

import com.zaxxer.hikari.HikariDataSource;
import io.positionkeeper.postgres.PostgresConfig;
import io.positionkeeper.postgres.PostgresPool;
import io.positionkeeper.runner.live.ConfigException;
import io.positionkeeper.runner.live.LiveConfig;
import io.positionkeeper.runner.live.LiveConfigReader;
import io.positionkeeper.runner.paper.EmbeddedDatabase;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Which database a command reads: the live configuration's ({@code --config}, password from {@code
 * KEEPER_DB_PASSWORD}), or the paper database under {@code --home} (the default).
 */
public final class DatabaseOptions {
  static final String PASSWORD_VAR = "KEEPER_DB_PASSWORD";

  @Option(
      names = "--config",
      description = "The live configuration file; its database is read (default: the paper one).")
  Path config;

  @Option(
      names = "--home",
      defaultValue = "${sys:keeper.home:-.position-keeper}",
      description =
          "Folder of the paper database, when no --config is given (default: ${DEFAULT-VALUE}).")
  Path home;

  Map<String, String> env = System.getenv();

  /** An open connection pool (and the embedded server behind it, for the paper database). */
  public record Opened(HikariDataSource pool, Optional<EmbeddedDatabase> embedded, String name)
      implements AutoCloseable {
    @Override
    public void close() {
      pool.close();
      embedded.ifPresent(EmbeddedDatabase::close);
    }
  }

  /** The live configuration, when one was given. */
  Optional<LiveConfig> live() {
    if (config == null) {
      return Optional.empty();
    }
    if (!Files.isReadable(config)) {
      throw new CommandException(ExitCodes.USAGE, "cannot read the configuration " + config);
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(config)) {
      p.load(r);
    } catch (IOException e) {
      throw new CommandException(ExitCodes.USAGE, "cannot read " + config + ": " + e, e);
    }
    try {
      return Optional.of(LiveConfigReader.read(p));
    } catch (ConfigException e) {
      throw new CommandException(
          ExitCodes.USAGE, "configuration " + config + " refused: " + e.getMessage(), e);
    }
  }

  /** The connection settings of the chosen database, without connecting. */
  PostgresConfig postgres() {
    LiveConfig live =
        live()
            .orElseThrow(
                () -> new CommandException(ExitCodes.USAGE, "this needs --config <live file>"));
    return PostgresConfig.of(
        live.databaseUrl(), live.databaseUser(), env.getOrDefault(PASSWORD_VAR, ""));
  }

  /** Opens the chosen database and checks that it answers. */
  public Opened open() {
    Optional<LiveConfig> live = live();
    if (live.isPresent()) {
      return checked(
          new Opened(
              pool(
                  PostgresConfig.of(
                      live.get().databaseUrl(),
                      live.get().databaseUser(),
                      env.getOrDefault(PASSWORD_VAR, ""))),
              Optional.empty(),
              live.get().databaseUrl()));
    }
    Path data = home.resolve("paper");
    if (!Files.isDirectory(data)) {
      throw new CommandException(
          ExitCodes.DATABASE,
          "no paper database in "
              + data.toAbsolutePath()
              + "; run `keeper paper` first, or pass --config <live file>");
    }
    EmbeddedDatabase db = EmbeddedDatabase.start(data, false);
    try {
      return checked(
          new Opened(
              pool(PostgresConfig.of(db.jdbcUrl(), "postgres", "postgres")),
              Optional.of(db),
              "paper database in " + data.toAbsolutePath()));
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  private static HikariDataSource pool(PostgresConfig config) {
    try {
      return PostgresPool.create(config);
    } catch (RuntimeException e) {
      throw new CommandException(
          ExitCodes.DATABASE, "cannot connect to the database: " + e.getMessage(), e);
    }
  }

  private static Opened checked(Opened opened) {
    try (Connection c = opened.pool().getConnection()) {
      if (!c.isValid(5)) {
        throw new SQLException("the connection is not valid");
      }
      return opened;
    } catch (SQLException e) {
      opened.close();
      throw new CommandException(
          ExitCodes.DATABASE, "the database " + opened.name() + " does not answer: " + e, e);
    }
  }
}
