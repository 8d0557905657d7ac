package io.positionkeeper.migrations;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Brings a PostgreSQL database to the current {@code monitoring} schema with Flyway, and checks
 * that a database matches the migrations this build ships.
 */
public final class Migrations {

  /** The schema the migrations create; Flyway keeps its history table there too. */
  public static final String SCHEMA = "monitoring";

  /** Where the SQL migrations live on the classpath. */
  public static final String LOCATION = "classpath:db/migration";

  private Migrations() {}

  /**
   * Applies every pending migration and returns how many were applied (0 when the database is
   * current). Fails if an applied migration was changed since (a checksum mismatch): the schema the
   * code expects is then unknown.
   */
  public static int migrate(DataSource dataSource) {
    return flyway(dataSource).migrate().migrationsExecuted;
  }

  /**
   * Checks that the database's applied migrations are exactly the ones of this build, unchanged,
   * and none pending.
   *
   * @throws IllegalStateException naming each problem when they differ
   */
  public static void validate(DataSource dataSource) {
    ValidateResult result = flyway(dataSource).validateWithResult();
    if (!result.validationSuccessful) {
      List<String> problems = result.invalidMigrations.stream().map(Migrations::describe).toList();
      throw new IllegalStateException(
          "the database's migrations do not match this build: "
              + (problems.isEmpty() ? result.getAllErrorMessages() : String.join("; ", problems)));
    }
  }

  private static String describe(ValidateOutput invalid) {
    return "version "
        + invalid.version
        + " ("
        + invalid.description
        + "): "
        + (invalid.errorDetails == null ? "invalid" : invalid.errorDetails.errorMessage);
  }

  private static Flyway flyway(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    return Flyway.configure()
        .dataSource(dataSource)
        .schemas(SCHEMA)
        .defaultSchema(SCHEMA)
        .locations(LOCATION)
        // A changed or missing migration is an error, never something to repair silently.
        .validateMigrationNaming(true)
        .cleanDisabled(true)
        // Flyway's default lock is a transaction-scoped advisory lock held in an open transaction
        // for the whole run; CREATE INDEX CONCURRENTLY waits for every older transaction to end,
        // so it would wait for that one for ever. A session-level advisory lock serialises
        // concurrent migrators just as well without a transaction.
        .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
        .load();
  }
}
