package io.positionkeeper.runner.paper;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a paper session runs on: the runner's home folder (database, spool, log), whether to start
 * the database afresh, the trader's own marks and signals (the bundled ones otherwise), and, for a
 * session on live prices, Binance's public market stream and how long to run on it.
 */
public record PaperOptions(
    Path home,
    boolean fresh,
    Optional<Path> marks,
    Optional<Path> signals,
    Optional<URI> liveMarks,
    Duration liveDuration) {

  /** Binance USD-M futures' public market stream route (mark prices need no key). */
  public static final URI BINANCE_MARKET_STREAM = URI.create("wss://fstream.binance.com/market");

  public PaperOptions {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(marks, "marks");
    Objects.requireNonNull(signals, "signals");
    Objects.requireNonNull(liveMarks, "liveMarks");
    Objects.requireNonNull(liveDuration, "liveDuration");
    if (liveMarks.isPresent() && marks.isPresent()) {
      throw new IllegalArgumentException("--marks and --live-marks exclude each other");
    }
    if (!liveDuration.isPositive()) {
      throw new IllegalArgumentException("--duration must be positive, was " + liveDuration);
    }
  }

  /** A replay of recorded marks. */
  public PaperOptions(Path home, boolean fresh, Optional<Path> marks, Optional<Path> signals) {
    this(home, fresh, marks, signals, Optional.empty(), Duration.ofHours(1));
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
