package io.positionkeeper.runner.commands;

import io.positionkeeper.migrations.Migrations;
import io.positionkeeper.postgres.PostgresPool;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keeper migrate}: brings the database's monitoring schema to this build's version. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = {
      "Applies the schema migrations this build carries (Flyway) and prints how many it applied.",
      "Exit codes: 0 done (also when nothing was pending), 2 bad usage, 3 database unreachable,"
          + " 1 a migration failed."
    })
public final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DatabaseOptions database;

  @Option(names = "--json", description = "{\"applied\": N} instead of the sentence.")
  boolean json;

  @Override
  public Integer call() {
    int applied;
    if (database.config != null) {
      // Live: on its own connection with a lock timeout, as the runner migrates at start.
      applied = PostgresPool.migrate(database.postgres());
    } else {
      try (DatabaseOptions.Opened db = database.open()) {
        applied = Migrations.migrate(db.pool());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        json
            ? "{\"applied\":" + applied + "}"
            : applied == 0
                ? "the schema is up to date"
                : "applied " + applied + " migration" + (applied == 1 ? "" : "s"));
    out.flush();
    return ExitCodes.OK;
  }
}
