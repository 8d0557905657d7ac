package io.positionkeeper.runner;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StaleLeaseException;
import io.positionkeeper.runner.live.ConfigException;
import io.positionkeeper.runner.live.LiveConfig;
import io.positionkeeper.runner.live.LiveConfigReader;
import io.positionkeeper.runner.live.LiveSession;
import io.positionkeeper.runner.live.OpsConfigReader;
import io.positionkeeper.runner.ops.OpsSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keeper run}: live mode, configured by one properties file. Exit codes: 0 after a clean
 * stop (SIGTERM, Ctrl-C), 2 for a configuration refused before any connection, 1 for a failure (a
 * lost lease included: the runner stops acting for the account and says so).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Live mode: reads the configuration file, checks it, then trades.")
final class LiveCommand implements Callable<Integer> {
  static final int BAD_CONFIG = 2;

  /** A lost lease is a failure of this runner: 1, as every failure. */
  static final int LEASE_LOST = 1;

  @Option(names = "--config", required = true, description = "The live configuration file.")
  Path config;

  @Option(
      names = "--home",
      defaultValue = "${sys:keeper.home:-.position-keeper}",
      description = "Folder for the audit spool and the log (default: ${DEFAULT-VALUE}).")
  Path home;

  @Option(
      names = "--standby",
      description =
          "If another runner holds the account, wait and take over when its lease expires"
              + " (instead of exiting).")
  boolean standby;

  @Option(
      names = "--lease-ttl",
      defaultValue = "PT30S",
      description =
          "How long the account's lease lives without a renewal, ISO-8601; a standby takes over"
              + " this long after the runner died (default: ${DEFAULT-VALUE}).")
  Duration leaseTtl;

  @Override
  public Integer call() throws Exception {
    LogFile.under(home);
    LiveConfig live;
    OpsSettings ops;
    try {
      Properties file = load(config);
      live = LiveConfigReader.read(file);
      ops = OpsConfigReader.read(file, System.getenv());
    } catch (ConfigException e) {
      System.err.println("keeper: configuration " + config + " refused: " + e.getMessage());
      return BAD_CONFIG;
    }
    LiveSession session =
        new LiveSession(
                live, System.getenv(), home, Clock.system(), Duration.ofMillis(500), leaseTtl)
            .withOps(ops);
    if (standby) {
      session.standby(leaseTtl.dividedBy(3));
    }
    Thread hook =
        new Thread(
            () -> {
              try {
                session.stop();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "keeper-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      session.run();
    } catch (StaleLeaseException e) {
      System.err.println(
          "keeper: "
              + e.getMessage()
              + ". This runner stopped and acts no more for the account; start it again (with"
              + " --standby to wait until the lease is free).");
      return LEASE_LOST;
    } catch (RejectedException e) {
      if (!"LEASE_HELD".equals(e.code())) {
        throw e;
      }
      System.err.println(
          "keeper: account "
              + live.account()
              + " is run by another runner (its lease is held). Stop that runner first, or start"
              + " this one with --standby to take over when it stops.");
      return 1;
    }
    return 0;
  }

  private static Properties load(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new ConfigException(
          "--config",
          "cannot read " + file,
          "pass a readable file, e.g. runner/live.example.properties");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    return p;
  }
}
