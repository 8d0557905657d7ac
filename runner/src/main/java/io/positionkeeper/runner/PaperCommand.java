package io.positionkeeper.runner;

import io.positionkeeper.runner.ops.Observability;
import io.positionkeeper.runner.paper.PaperOptions;
import io.positionkeeper.runner.paper.PaperSession;
import io.positionkeeper.runner.paper.PaperSummary;
import io.positionkeeper.runner.paper.Progress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
      names = "--live-marks",
      arity = "0..1",
      paramLabel = "URL",
      fallbackValue = "wss://fstream.binance.com/market",
      description =
          "Trade on live mark prices from Binance's public market stream (no key needed; orders"
              + " still go to the in-memory venue). Optional URL: another market stream base"
              + " (default when given without a value: ${FALLBACK-VALUE}).")
  URI liveMarks;

  @Option(
      names = "--duration",
      defaultValue = "PT1H",
      description = "With --live-marks: how long to run, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--metrics-port",
      description = "Serve /metrics and /health on 127.0.0.1 at this port during the replay.")
  Integer metricsPort;

  @Override
  public Integer call() throws Exception {
    LogFile.under(home);
    PaperOptions options =
        new PaperOptions(
            home,
            fresh,
            Optional.ofNullable(marks),
            Optional.ofNullable(signals),
            Optional.ofNullable(liveMarks),
            duration);
    System.out.println(
        "paper session: database in " + options.databaseDirectory().toAbsolutePath());
    liveMarks().ifPresent(url -> System.out.println("live mark prices from " + url));
    PaperSession session =
        new PaperSession(
            options,
            Progress.forOutput(System.out, System.console() != null),
            Optional.ofNullable(metricsPort)
                .map(port -> new Observability.Endpoint("127.0.0.1", port)),
            List.of());
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> stopAndWait(session, done), "paper-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      PaperSummary summary = session.run();
      System.out.print(summary.render());
      System.out.println("  report: " + options.reportFile().toAbsolutePath());
      return 0;
    } finally {
      done.countDown();
    }
  }

  private Optional<URI> liveMarks() {
    return Optional.ofNullable(liveMarks);
  }

  /** Ctrl-C: a session on live marks ends early and still prints its summary. */
  private static void stopAndWait(PaperSession session, CountDownLatch done) {
    session.stop();
    try {
      done.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
