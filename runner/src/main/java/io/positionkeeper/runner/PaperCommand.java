package io.positionkeeper.runner;

import io.positionkeeper.runner.ops.Observability;
import io.positionkeeper.runner.paper.PaperOptions;
import io.positionkeeper.runner.paper.PaperSession;
import io.positionkeeper.runner.paper.PaperSummary;
import io.positionkeeper.runner.paper.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keeper paper}: a simulated session on an embedded PostgreSQL and the in-memory venue. */
@Command(
    name = "paper",
    mixinStandardHelpOptions = true,
    description =
        "Replays mark prices and signals through the real keeper, on an embedded PostgreSQL.")
final class PaperCommand implements Callable<Integer> {
  @Option(
      names = "--home",
      defaultValue = "${sys:keeper.home:-.position-keeper}",
      description = "Folder for the database, audit spool and log (default: ${DEFAULT-VALUE}).")
  Path home;

  @Option(names = "--fresh", description = "Delete the paper database and start over.")
  boolean fresh;

  @Option(names = "--marks", description = "Your own mark prices: CSV with time,symbol,mark.")
  Path marks;

  @Option(names = "--signals", description = "Your own signals: JSON lines (see README).")
  Path signals;

  @Option(
      names = "--metrics-port",
      description = "Serve /metrics and /health on 127.0.0.1 at this port during the replay.")
  Integer metricsPort;

  @Override
  public Integer call() throws Exception {
    PaperOptions options =
        new PaperOptions(home, fresh, Optional.ofNullable(marks), Optional.ofNullable(signals));
    System.out.println(
        "paper session: database in " + options.databaseDirectory().toAbsolutePath());
    PaperSummary summary =
        new PaperSession(
                options,
                Progress.forOutput(System.out, System.console() != null),
                Optional.ofNullable(metricsPort)
                    .map(port -> new Observability.Endpoint("127.0.0.1", port)),
                List.of())
            .run();
    System.out.print(summary.render());
    System.out.println("  report: " + options.reportFile().toAbsolutePath());
    return 0;
  }
}
