package io.positionkeeper.runner;

import java.nio.file.Path;

/**
 * Points the full log at the runner's home folder. Logback reads {@code keeper.log} when the first
 * logger is made, which is after the command line is parsed (no logger exists before a command
 * runs), so {@code --home} decides where the log goes unless {@code -Dkeeper.log} already did.
 */
final class LogFile {
  static final String PROPERTY = "keeper.log";

  private LogFile() {}

  static Path under(Path home) {
    String set = System.getProperty(PROPERTY);
    if (set != null && !set.isBlank()) {
      return Path.of(set);
    }
    Path file = home.resolve("keeper.log").toAbsolutePath();
    System.setProperty(PROPERTY, file.toString());
    return file;
  }
}
