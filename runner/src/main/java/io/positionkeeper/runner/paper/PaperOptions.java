package io.positionkeeper.runner.paper;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a paper session runs on: the runner's home folder (database, spool, log), whether to start
 * the database afresh, and the trader's own marks and signals (the bundled ones otherwise).
 */
public record PaperOptions(Path home, boolean fresh, Optional<Path> marks, Optional<Path> signals) {
  public PaperOptions {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(marks, "marks");
    Objects.requireNonNull(signals, "signals");
  }

  public Path databaseDirectory() {
    return home.resolve("paper");
  }

  public Path spoolFile() {
    return home.resolve("paper-audit.spool");
  }

  /** The session's HTML report, written at the end of every run. */
  public Path reportFile() {
    return home.resolve("paper-report.html");
  }

  public Path logFile() {
    return home.resolve("keeper.log");
  }
}
