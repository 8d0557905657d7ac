package io.positionkeeper.runner.paper;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The paper session's own PostgreSQL: binaries from Maven Central (bundled in the jar), data in a
 * local folder that the next start reuses; {@code fresh} deletes it first.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres server;
  private final Path dataDirectory;

  private EmbeddedDatabase(EmbeddedPostgres server, Path dataDirectory) {
    this.server = server;
    this.dataDirectory = dataDirectory;
  }

  public static EmbeddedDatabase start(Path dataDirectory, boolean fresh) {
    try {
      if (fresh) {
        deleteTree(dataDirectory);
      }
      Files.createDirectories(dataDirectory.getParent());
      EmbeddedPostgres server =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .start();
      return new EmbeddedDatabase(server, dataDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start the embedded PostgreSQL in "
              + dataDirectory
              + " (try --fresh if the folder is damaged)",
          e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + server.getPort() + "/postgres";
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("stopping the embedded PostgreSQL failed", e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
