package io.positionkeeper.runner;

import io.positionkeeper.runner.commands.CommandException;
import io.positionkeeper.runner.commands.DeadLettersCommand;
import io.positionkeeper.runner.commands.EventsCommand;
import io.positionkeeper.runner.commands.MigrateCommand;
import io.positionkeeper.runner.commands.ReconcileCommand;
import io.positionkeeper.runner.commands.ReportCommand;
import io.positionkeeper.runner.commands.StatusCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The runner's entry point: {@code paper} for a simulated session, {@code run} for live mode. */
@Command(
    name = "keeper",
    mixinStandardHelpOptions = true,
    version = "position-keeper 0.1.0",
    description = "Opens protected positions from signals and keeps them protected.",
    subcommands = {
      PaperCommand.class,
      LiveCommand.class,
      StatusCommand.class,
      EventsCommand.class,
      DeadLettersCommand.class,
      MigrateCommand.class,
      ReportCommand.class,
      ReconcileCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad usage). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** Runs the command line with its output and errors going to {@code out} and {@code err}. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return commandLine().setOut(out).setErr(err).execute(args);
  }

  private static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              cmd.getErr().println("keeper: " + e.getMessage());
              cmd.getErr().flush();
              if (e instanceof CommandException refused) {
                return refused.exitCode();
              }
              org.slf4j.LoggerFactory.getLogger(Main.class).error("command failed", e);
              return 1;
            });
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
