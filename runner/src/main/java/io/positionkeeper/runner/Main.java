package io.positionkeeper.runner;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The runner's entry point: {@code paper} for a simulated session, {@code run} for live mode. */
@Command(
    name = "keeper",
    mixinStandardHelpOptions = true,
    version = "position-keeper 0.1.0",
    description = "Opens protected positions from signals and keeps them protected.",
    subcommands = {PaperCommand.class, LiveCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 bad usage). */
  public static int execute(String... args) {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              cmd.getErr().println("keeper: " + e.getMessage());
              org.slf4j.LoggerFactory.getLogger(Main.class).error("command failed", e);
              return 1;
            })
        .execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
