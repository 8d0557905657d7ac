package io.positionkeeper.bybit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the Bybit payload fixtures that live beside the checkout, in {@code
 * ../shared/fixtures/bybit}, outside the repository. Where they are missing, a test that needs them
 * fails on CI (environment variable {@code CI=true}), where a missing directory means a broken
 * setup, and is skipped elsewhere with one line on stderr, so a local build never passes them over
 * unseen.
 */
public final class SharedFixtures {
  private static final String RELATIVE = "shared/fixtures/bybit";
  private static final String PROPERTY = "bybit.fixtures";
  // One notice per test JVM is enough to be seen; every skipped test still reports the reason.
  private static final AtomicBoolean noticePrinted = new AtomicBoolean();

  private SharedFixtures() {}

  /**
   * The fixtures directory: {@code -Dbybit.fixtures=DIR} if set, else the first {@code
   * shared/fixtures/bybit} found from the working directory upwards. When there is none it fails
   * the calling test on CI and aborts it (skipped) elsewhere.
   */
  public static Path bybitOrSkip() {
    List<Path> candidates = candidates();
    for (Path candidate : candidates) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    String message =
        "Bybit fixtures not found; looked for the directory "
            + String.join(", ", candidates.stream().map(Path::toString).toList())
            + " (set -D"
            + PROPERTY
            + "=DIR to point elsewhere)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      return Assertions.fail(message + "; CI=true, so a missing directory fails the build");
    }
    if (noticePrinted.compareAndSet(false, true)) {
      System.err.println("SKIPPED: " + message + "; the tests that read them are skipped");
    }
    return Assumptions.abort(message);
  }

  private static List<Path> candidates() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null) {
      return List.of(Path.of(configured).toAbsolutePath());
    }
    List<Path> found = new ArrayList<>();
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      found.add(p.resolve(RELATIVE));
    }
    return found;
  }
}
