package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The loop of the parser fuzzers: every fixture, mutated a number of rounds by one seed, fed to a
 * venue's parsers; whatever escapes other than the parser's typed error is collected with where it
 * came from and the payload, so one run reports every finding at once.
 */
final class ParserFuzz {
  /** Feeds one payload to a venue's parsers, adding what escaped to {@code escaped}. */
  interface Feeder {
    void feed(String where, String payload, List<String> escaped);
  }

  private ParserFuzz() {}

  /** The {@code .json} payloads of a fixtures directory, read in place. */
  static List<Path> jsonFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first fixture whose name starts with {@code prefix}. */
  static String fixture(List<Path> fixtures, String prefix) {
    return read(
        fixtures.stream()
            .filter(p -> p.getFileName().toString().startsWith(prefix))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no fixture " + prefix + "*")));
  }

  /** Mutates every fixture {@code rounds} times and asserts that nothing untyped escaped. */
  static void assertMutationsTyped(List<Path> fixtures, long seed, int rounds, Feeder feeder) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> escaped = new ArrayList<>();
    int fed = 0;
    for (int round = 0; round < rounds; round++) {
      for (Path fixture : fixtures) {
        String mutated = Mutations.mutate(read(fixture), random);
        fed++;
        feeder.feed(fixture.getFileName() + " round " + round, mutated, escaped);
      }
    }
    assertThat(escaped)
        .as(
            "untyped exceptions from %d mutated payloads (seed %d, replay with -Dfuzz.seed=%d)",
            fed, seed, seed)
        .isEmpty();
  }

  /** The unmutated payloads on every parser, the right one and the wrong ones. */
  static void assertOriginalsTyped(List<Path> fixtures, Feeder feeder) {
    List<String> escaped = new ArrayList<>();
    for (Path fixture : fixtures) {
      feeder.feed(fixture.getFileName().toString(), read(fixture), escaped);
    }
    assertThat(escaped).isEmpty();
  }

  /**
   * Runs one parser call: a value or a {@code typed} error with a message is fine; anything else
   * (or a typed error without a message) is added to {@code escaped}.
   */
  static void check(
      List<String> escaped,
      String where,
      String parser,
      String payload,
      Class<? extends RuntimeException> typed,
      Runnable call) {
    try {
      call.run();
    } catch (RuntimeException | StackOverflowError | AssertionError e) {
      if (typed.isInstance(e) && e.getMessage() != null && !e.getMessage().isBlank()) {
        return;
      }
      String shown = payload.length() > 400 ? payload.substring(0, 400) + "..." : payload;
      escaped.add(where + " " + parser + ": " + e + "\n    payload: " + shown);
    }
  }
}
