package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.fail;

import io.positionkeeper.runner.campaign.RunnerRig.KillPoint;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random kill points over full sessions (campaign scenario 19) on every venue, seeded and
 * reproducible in what the campaign does: a session feeds a seeded series of signals (both sides,
 * two symbols) and mark-price moves (so trailing moves and stop triggers happen) to the runner
 * against the venue's emulator, and at seeded moments kills it with SIGKILL: when a chosen request
 * reaches the venue (the venue's kill points: an entry order, a stop placed or moved, an order or
 * stop look-up; the venue holds its answer, so the runner dies waiting for it) or at a plain point
 * in time. After every restart, once the runner settled, I1 to I4 hold on both symbols; I5 at the
 * end.
 *
 * <p>The timing of the runner's own threads is not seeded, so a replay repeats the campaign's
 * choices, not every interleaving. CI runs {@code campaign.sessions} sessions of {@code
 * campaign.kills} kills from seed {@code campaign.seed} per venue; the {@code campaign-soak}
 * profile runs 100 kills per venue and writes its figures to {@code campaign.figures}. On failure
 * the venue, the seed, the kill and the one command line that replays the session are printed, with
 * the history that led there.
 */
class RandomKillIT {
  private static final long SEED = Long.getLong("campaign.seed", 19L);
  private static final int SESSIONS = Integer.getInteger("campaign.sessions", 1);
  private static final int KILLS = Integer.getInteger("campaign.kills", 3);
  private static final String FIGURES = System.getProperty("campaign.figures", "");
  private static final String TIME = "TIME";
  private static final Duration HOLD = Duration.ofSeconds(120);
  private static final Duration ARRIVAL = Duration.ofSeconds(25);
  private static final Duration SETTLE = Duration.ofSeconds(60);

  @TempDir Path home;

  /** The venues of this run: {@code campaign.venues} (say BYBIT), by default every one. */
  static List<CampaignVenue> venues() {
    String only = System.getProperty("campaign.venues", "");
    return java.util.Arrays.stream(CampaignVenue.values())
        .filter(v -> only.isBlank() || List.of(only.toUpperCase().split(",")).contains(v.name()))
        .toList();
  }

  @ParameterizedTest
  @MethodSource("venues")
  void randomKillsOverFullSessions_theInvariantsHoldAfterEveryRestart(CampaignVenue venue)
      throws Exception {
    Instant began = Instant.now();
    Map<String, Integer> planned = new TreeMap<>();
    Map<String, Integer> reached = new TreeMap<>();
    int kills = 0;
    for (int s = 0; s < SESSIONS; s++) {
      long seed = SEED + s;
      Instant sessionBegan = Instant.now();
      SessionFigures session =
          session(venue, seed, home.resolve("session-" + seed), planned, reached);
      kills += session.kills();
      record(
          String.format(
              "  %s session seed %d: %d kills, 0 violations, %d s; %d incarnations for %d starts,"
                  + " %d stopped for their lease at start%n",
              venue,
              seed,
              session.kills(),
              Duration.between(sessionBegan, Instant.now()).toSeconds(),
              session.incarnations(),
              session.kills() + 1,
              session.leaseStopsAtStart()));
    }
    Duration wall = Duration.between(began, Instant.now());
    String figures =
        String.format(
            "%s %s: seeds %d..%d, %d sessions, %d kills, 0 violations, wall %d s;"
                + " kill points planned %s, reached as planned %s (the rest fell back to a time"
                + " kill when the request did not come within %d s)%n",
            LocalDate.now(ZoneOffset.UTC),
            venue,
            SEED,
            SEED + SESSIONS - 1,
            SESSIONS,
            kills,
            wall.toSeconds(),
            planned,
            reached,
            ARRIVAL.toSeconds());
    record("random kill campaign: " + figures);
  }

  /** Prints a line of figures and, with {@code campaign.figures}, appends it to that file. */
  private static void record(String line) throws IOException {
    System.out.print(line);
    if (!FIGURES.isEmpty()) {
      Files.writeString(
          Path.of(FIGURES),
          line,
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
  }

  /**
   * A session's kills, and how many runner processes its starts took: a start whose runner stopped
   * for the account's lease (on a loaded machine) is followed by another.
   */
  private record SessionFigures(int kills, int incarnations, int leaseStopsAtStart) {}

  private SessionFigures session(
      CampaignVenue venue,
      long seed,
      Path dir,
      Map<String, Integer> planned,
      Map<String, Integer> reached)
      throws Exception {
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(seed);
    try (RunnerRig rig = venue.start(dir)) {
      Map<String, BigDecimal> marks = new LinkedHashMap<>();
      marks.put(rig.symbols().get(0), new BigDecimal("64000"));
      marks.put(rig.symbols().get(1), new BigDecimal("3000"));
      marks.forEach(rig::setMark);
      rig.configure("symbols=" + String.join(",", rig.symbols()));
      rig.configure("symbol." + rig.symbols().get(1) + ".leverage=4");
      // On a loaded machine a lease renewal may wait seconds for the CPU; the runner stops by
      // design when its lease went unrenewed for 9/10 of its life.
      rig.leaseTtl(Duration.ofSeconds(15));
      rig.startRunner();
      List<KillPoint> points = rig.killPoints();
      for (int k = 1; k <= KILLS; k++) {
        int pick = random.nextInt(points.size() + 1);
        KillPoint point = pick == points.size() ? null : points.get(pick);
        String name = point == null ? TIME : point.name();
        planned.merge(name, 1, Integer::sum);
        String at = venue + " seed " + seed + ", kill " + k + " of " + KILLS + " at " + name;
        boolean asPlanned = driveUntil(rig, random, marks, point);
        if (asPlanned) {
          reached.merge(name, 1, Integer::sum);
        }
        rig.killRunner();
        rig.clearFaults();
        if (random.nextInt(3) == 0) {
          // The market moves while no runner watches: a stop may fire, a trail is owed.
          move(rig, random, marks);
        }
        String where = at + (asPlanned ? "" : " (fell back to a time kill)");
        try {
          rig.startRunner();
        } catch (AssertionError notStarted) {
          // A restart that never comes up is a finding too: print its history and replay line.
          failWith(rig, venue, seed, where, List.of("the restart: " + notStarted.getMessage()));
        }
        settle(rig, venue, seed, where);
      }
      List<String> secrets = CampaignInvariants.noSecretInLogs(rig.outputs(), rig.secrets());
      if (!secrets.isEmpty()) {
        failWith(rig, venue, seed, "the end of the session", secrets);
      }
      return new SessionFigures(KILLS, rig.incarnations(), rig.leaseStopsAtStart());
    }
  }

  /**
   * Feeds signals and mark moves until the kill point's request reaches the venue (its answer held)
   * or, for a time kill ({@code point} null), a seeded number of steps went by. Returns whether the
   * planned point was reached.
   */
  private static boolean driveUntil(
      RunnerRig rig, SplittableRandom random, Map<String, BigDecimal> marks, KillPoint point)
      throws Exception {
    if (point == null) {
      for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
        step(rig, random, marks);
        Thread.sleep(200 + random.nextInt(1500));
      }
      return true;
    }
    long before = rig.requestCount(point.method(), point.path());
    rig.hold(point, HOLD);
    Instant until = Instant.now().plus(ARRIVAL);
    while (Instant.now().isBefore(until)) {
      step(rig, random, marks);
      Instant stepEnd = Instant.now().plusMillis(1500);
      while (Instant.now().isBefore(stepEnd)) {
        if (rig.requestCount(point.method(), point.path()) > before) {
          return true;
        }
        Thread.sleep(50);
      }
    }
    return false;
  }

  /** One seeded step of the session: a signal on a flat symbol, or a mark move. */
  private static void step(RunnerRig rig, SplittableRandom random, Map<String, BigDecimal> marks)
      throws Exception {
    String symbol = rig.symbols().get(random.nextInt(rig.symbols().size()));
    if (random.nextInt(3) == 0 && rig.positionAmount(symbol).signum() == 0) {
      rig.signal(symbol, random.nextBoolean() ? "LONG" : "SHORT");
    } else {
      move(rig, random, marks);
    }
  }

  /** A mark move of 0.3 % to 2.5 % either way on one symbol. */
  private static void move(RunnerRig rig, SplittableRandom random, Map<String, BigDecimal> marks) {
    String symbol = rig.symbols().get(random.nextInt(rig.symbols().size()));
    double percent = (0.3 + random.nextDouble() * 2.2) * (random.nextBoolean() ? 1 : -1);
    BigDecimal next =
        marks
            .get(symbol)
            .multiply(BigDecimal.valueOf(1 + percent / 100))
            .setScale(2, RoundingMode.HALF_UP);
    marks.put(symbol, next);
    rig.setMark(symbol, next);
  }

  private static void settle(RunnerRig rig, CampaignVenue venue, long seed, String at)
      throws Exception {
    List<String> violations = new ArrayList<>();
    try {
      rig.await("I1 to I4 on every symbol", SETTLE, () -> violations(rig).isEmpty());
    } catch (AssertionError timedOut) {
      violations.addAll(violations(rig));
    }
    if (!rig.runnerAlive()) {
      violations.add("the runner is not running");
    }
    if (!violations.isEmpty()) {
      failWith(rig, venue, seed, at, violations);
    }
  }

  private static List<String> violations(RunnerRig rig) {
    List<String> all = new ArrayList<>();
    for (String symbol : rig.symbols()) {
      all.addAll(CampaignInvariants.oneStopPerPosition(rig, symbol));
      all.addAll(CampaignInvariants.databaseMatchesVenue(rig, symbol));
    }
    all.addAll(CampaignInvariants.oneEntryPerIntent(rig));
    all.addAll(CampaignInvariants.auditTrailWhole(rig));
    return all;
  }

  private static void failWith(
      RunnerRig rig, CampaignVenue venue, long seed, String at, List<String> violations) {
    fail(
        "random kill campaign: violations after %s:%n  %s%nreplay this session with:%n  mvn -B -ntp"
            + " verify -pl runner -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dit.test=RandomKillIT -Dfailsafe.failIfNoSpecifiedTests=false"
            + " -Dcampaign.venues=%s -Dcampaign.seed=%d -Dcampaign.sessions=1 -Dcampaign.kills=%d"
            + "%nhistory:%s",
        at, String.join("\n  ", violations), venue, seed, KILLS, CampaignHistory.of(rig));
  }
}
