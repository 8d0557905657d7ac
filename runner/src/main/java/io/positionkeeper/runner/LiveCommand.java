package io.positionkeeper.runner;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keeper run}: live mode on a venue, configured by one properties file. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Live mode: reads the configuration file, checks it, then trades.")
final class LiveCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "The live configuration file.")
  Path config;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException(
        "live mode is not wired yet in this build; use `keeper paper`");
  }
}
