package io.positionkeeper.domain.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.sim.SimConfig.FaultClass;
import io.positionkeeper.ports.fake.FakeExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The soak ({@code mvn -B -ntp -pl trading-domain -am test -Psoak}): every fault class on, both
 * flavours, histories of {@code sim.soak.steps} (5,000) steps in batches until {@code
 * sim.soak.minutes} (10) have passed; writes its figures between the soak markers of {@code
 * sim.reliability.file} (RELIABILITY.md at the root) and fails if it found any violation. Not a
 * {@code *Test}: the default build does not run it.
 */
class SimulationSoak {
  private static final String START = "<!-- soak:start -->";
  private static final String END = "<!-- soak:end -->";
  private static final int LISTED = 200;
  private static final Pattern REPLAY =
      Pattern.compile("-Dsim\\.seed=\\S+ -Dsim\\.steps=\\S+ -Dsim\\.flavour=\\w+");

  @Test
  void everyFaultClass_bothVenues_forTheTimeGiven() throws IOException {
    Duration budget = Duration.ofMinutes(Long.getLong("sim.soak.minutes", 10));
    int steps = Integer.getInteger("sim.soak.steps", 5_000);
    int batch = Integer.getInteger("sim.soak.batch", 100);
    long seed = Long.getLong("sim.soak.firstSeed", 1_000_001L);
    Instant until = Instant.now().plus(budget);
    Map<String, Integer> kinds = new TreeMap<>();
    Map<String, String> examples = new TreeMap<>();
    List<String> every = new ArrayList<>();
    long firstSeed = seed;
    long histories = 0;
    long totalSteps = 0;
    long nanos = 0;
    while (Instant.now().isBefore(until)) {
      Campaign.Result r =
          Campaign.run(
              new Campaign.Plan(
                  seed,
                  batch,
                  steps,
                  List.of(FakeExchange.Flavour.BYBIT, FakeExchange.Flavour.BINANCE),
                  EnumSet.noneOf(FaultClass.class),
                  EnumSet.allOf(Violation.Kind.class),
                  Integer.getInteger("sim.threads", 2)));
      seed += batch;
      histories += r.histories();
      totalSteps += r.steps();
      nanos += r.elapsed().toNanos();
      for (String q : r.quarantined()) {
        String kind = q.substring(0, q.indexOf(' '));
        kinds.merge(kind, 1, Integer::sum);
        examples.putIfAbsent(kind, q);
        every.add(q);
      }
    }
    write(
        report(
            new Figures(firstSeed, seed - 1, histories, totalSteps, nanos, steps),
            kinds,
            examples,
            every));
    assertThat(histories).isPositive();
    assertThat(kinds).as("violations found by the soak (see RELIABILITY.md)").isEmpty();
  }

  private record Figures(
      long firstSeed, long lastSeed, long histories, long steps, long nanos, int perHistory) {}

  private static String report(
      Figures f, Map<String, Integer> kinds, Map<String, String> examples, List<String> every) {
    StringBuilder out = new StringBuilder();
    out.append(START).append('\n');
    out.append("Last soak: ").append(Instant.now()).append(", every fault class, both flavours, ");
    out.append(f.perHistory()).append(" steps per history, seeds ").append(f.firstSeed());
    out.append(" to ").append(f.lastSeed()).append(".\n\n");
    out.append("| histories | steps | violations | steps/s |\n|---|---|---|---|\n");
    int total = kinds.values().stream().mapToInt(Integer::intValue).sum();
    out.append(
        String.format(
            "| %d | %d | %d | %.0f |%n%n",
            f.histories(), f.steps(), total, f.steps() / (f.nanos() / 1e9)));
    kinds.forEach(
        (kind, n) ->
            out.append("- ")
                .append(kind)
                .append(": ")
                .append(n)
                .append(", e.g. `")
                .append(examples.get(kind).replace('`', '\''))
                .append("`\n"));
    if (!every.isEmpty()) {
      out.append("\nEvery violation, in seed order (replay each with the properties given):\n\n");
      every.stream().limit(LISTED).forEach(q -> out.append("- ").append(headline(q)).append('\n'));
      if (every.size() > LISTED) {
        out.append("- and ").append(every.size() - LISTED).append(" more\n");
      }
    }
    out.append(END).append('\n');
    return out.toString();
  }

  /** The kind, step and replay properties of a violation, without the state it printed. */
  static String headline(String violation) {
    int colon = violation.indexOf(':');
    String head = colon > 0 ? violation.substring(0, colon) : violation;
    Matcher replay = REPLAY.matcher(violation);
    return "`" + head + "`" + (replay.find() ? ": `" + replay.group() + "`" : "");
  }

  private static void write(String section) throws IOException {
    Path file = Path.of(System.getProperty("sim.reliability.file", "../RELIABILITY.md"));
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    int a = text.indexOf(START);
    int b = text.indexOf(END);
    String updated =
        a >= 0 && b > a
            ? text.substring(0, a) + section + text.substring(b + END.length() + 1)
            : text + "\n" + section;
    Files.writeString(file, updated, StandardCharsets.UTF_8);
    System.out.println(section);
  }
}
