package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random kill points over full sessions (campaign scenario 19), seeded and reproducible in what the
 * campaign does: a session feeds a seeded series of signals (both sides, two symbols) and
 * mark-price moves (so trailing moves and stop triggers happen) to the runner against the emulator,
 * and at seeded moments kills it with SIGKILL: when a chosen request reaches the venue (an entry
 * order, a stop placement, a stop's cancel, an order or stop look-up; the venue holds its answer,
 * so the runner dies waiting for it) or at a plain point in time. After every restart, once the
 * runner settled, I1 to I4 hold on both symbols; I5 at the end.
 *
 * <p>The timing of the runner's own threads is not seeded, so a replay repeats the campaign's
 * choices, not every interleaving. CI runs {@code campaign.sessions} sessions of {@code
 * campaign.kills} kills from seed {@code campaign.seed}; the {@code campaign-soak} profile runs 100
 * kills and writes its figures to {@code campaign.figures}. On failure the seed, the kill and the
 * one command line that replays the session are printed, with the history that led there.
 */
class BinanceRandomKillIT {
  private static final long SEED = Long.getLong("campaign.seed", 19L);
  private static final int SESSIONS = Integer.getInteger("campaign.sessions", 1);
  private static final int KILLS = Integer.getInteger("campaign.kills", 5);
  private static final String FIGURES = System.getProperty("campaign.figures", "");
  private static final List<String> SYMBOLS = List.of(BinanceRig.SYMBOL, "ETHUSDT");
  private static final Duration HOLD = Duration.ofSeconds(120);
  private static final Duration ARRIVAL = Duration.ofSeconds(25);
  private static final Duration SETTLE = Duration.ofSeconds(60);

  /** Where the runner dies. */
  enum KillPoint {
    ENTRY("POST", "/fapi/v1/order"),
    STOP("POST", "/fapi/v1/algoOrder"),
    CANCEL("DELETE", "/fapi/v1/algoOrder"),
    ORDER_QUERY("GET", "/fapi/v1/order"),
    STOP_QUERY("GET", "/fapi/v1/algoOrder"),
    TIME(null, null);

    final String method;
    final String path;

    KillPoint(String method, String path) {
      this.method = method;
      this.path = path;
    }
  }

  @TempDir Path home;

  @Test
  void randomKillsOverFullSessions_theInvariantsHoldAfterEveryRestart() throws Exception {
    Instant began = Instant.now();
    Map<KillPoint, Integer> planned = new EnumMap<>(KillPoint.class);
    Map<KillPoint, Integer> reached = new EnumMap<>(KillPoint.class);
    int kills = 0;
    for (int s = 0; s < SESSIONS; s++) {
      long seed = SEED + s;
      Instant sessionBegan = Instant.now();
      kills += session(seed, home.resolve("session-" + seed), planned, reached);
      record(
          String.format(
              "  session seed %d: %d kills, 0 violations, %d s%n",
              seed, KILLS, Duration.between(sessionBegan, Instant.now()).toSeconds()));
    }
    Duration wall = Duration.between(began, Instant.now());
    String figures =
        String.format(
            "%s: seeds %d..%d, %d sessions, %d kills, 0 violations, wall %d s;"
                + " kill points planned %s, reached as planned %s (the rest fell back to a time"
                + " kill when the request did not come within %d s)%n",
            LocalDate.now(ZoneOffset.UTC),
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

  private int session(
      long seed, Path dir, Map<KillPoint, Integer> planned, Map<KillPoint, Integer> reached)
      throws Exception {
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(seed);
    try (BinanceRig rig = BinanceRig.start(dir)) {
      Map<String, BigDecimal> marks = new LinkedHashMap<>();
      marks.put(BinanceRig.SYMBOL, new BigDecimal("64000"));
      marks.put("ETHUSDT", new BigDecimal("3000"));
      marks.forEach(rig.venue()::setMarkPrice);
      rig.configure("symbols=" + String.join(",", SYMBOLS));
      rig.configure("symbol.ETHUSDT.leverage=4");
      // On a loaded machine a lease renewal may wait seconds for the CPU; the runner stops by
      // design when its lease went unrenewed for 9/10 of its life.
      rig.leaseTtl(Duration.ofSeconds(15));
      rig.startRunner();
      for (int k = 1; k <= KILLS; k++) {
        KillPoint point = KillPoint.values()[random.nextInt(KillPoint.values().length)];
        planned.merge(point, 1, Integer::sum);
        String at = "seed " + seed + ", kill " + k + " of " + KILLS + " at " + point;
        boolean asPlanned = driveUntil(rig, random, marks, point);
        if (asPlanned) {
          reached.merge(point, 1, Integer::sum);
        }
        rig.killRunner();
        rig.venue().faults().clear();
        if (random.nextInt(3) == 0) {
          // The market moves while no runner watches: a stop may fire, a trail is owed.
          move(rig, random, marks);
        }
        rig.startRunner();
        settle(rig, seed, at + (asPlanned ? "" : " (fell back to a time kill)"));
      }
      List<String> secrets =
          CampaignInvariants.noSecretInLogs(
              rig.outputs(),
              List.of(rig.venue().apiSecret(), rig.venue().apiKey(), BinanceRig.DB_PASSWORD));
      if (!secrets.isEmpty()) {
        failWith(rig, seed, "the end of the session", secrets);
      }
      return KILLS;
    }
  }

  /**
   * Feeds signals and mark moves until the kill point's request reaches the venue (its answer held)
   * or, for a time kill, a seeded number of steps went by. Returns whether the planned point was
   * reached.
   */
  private static boolean driveUntil(
      BinanceRig rig, SplittableRandom random, Map<String, BigDecimal> marks, KillPoint point)
      throws Exception {
    if (point == KillPoint.TIME) {
      for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
        step(rig, random, marks);
        Thread.sleep(200 + random.nextInt(1500));
      }
      return true;
    }
    long before = rig.venue().requestCount(point.method, point.path);
    rig.venue().faults().latency(point.method, point.path, HOLD);
    Instant until = Instant.now().plus(ARRIVAL);
    while (Instant.now().isBefore(until)) {
      step(rig, random, marks);
      Instant stepEnd = Instant.now().plusMillis(1500);
      while (Instant.now().isBefore(stepEnd)) {
        if (rig.venue().requestCount(point.method, point.path) > before) {
          return true;
        }
        Thread.sleep(50);
      }
    }
    return false;
  }

  /** One seeded step of the session: a signal on a flat symbol, or a mark move. */
  private static void step(BinanceRig rig, SplittableRandom random, Map<String, BigDecimal> marks)
      throws Exception {
    String symbol = SYMBOLS.get(random.nextInt(SYMBOLS.size()));
    if (random.nextInt(3) == 0 && rig.venue().positionAmount(symbol).signum() == 0) {
      signal(rig, symbol, random.nextBoolean() ? "LONG" : "SHORT");
    } else {
      move(rig, random, marks);
    }
  }

  /** A mark move of 0.3 % to 2.5 % either way on one symbol. */
  private static void move(BinanceRig rig, SplittableRandom random, Map<String, BigDecimal> marks) {
    String symbol = SYMBOLS.get(random.nextInt(SYMBOLS.size()));
    double percent = (0.3 + random.nextDouble() * 2.2) * (random.nextBoolean() ? 1 : -1);
    BigDecimal next =
        marks
            .get(symbol)
            .multiply(BigDecimal.valueOf(1 + percent / 100))
            .setScale(2, RoundingMode.HALF_UP);
    marks.put(symbol, next);
    rig.venue().setMarkPrice(symbol, next);
  }

  /** A signal of 1,000 USDT with a 2 % stop, trailing from +1.5 % by 0.5 %. */
  private static void signal(BinanceRig rig, String symbol, String side) throws Exception {
    try (Connection c = rig.pool().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
                    + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
                    + " VALUES (?, 'BINANCE', ?, ?, 1000, 'QUOTE', 2, 1.5, 0.5)")) {
      s.setString(1, BinanceRig.ACCOUNT);
      s.setString(2, symbol);
      s.setString(3, side);
      s.executeUpdate();
    }
  }

  private static void settle(BinanceRig rig, long seed, String at) throws Exception {
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
      failWith(rig, seed, at, violations);
    }
  }

  private static List<String> violations(BinanceRig rig) {
    List<String> all = new ArrayList<>();
    for (String symbol : SYMBOLS) {
      all.addAll(CampaignInvariants.oneStopPerPosition(rig.venue(), symbol));
      all.addAll(CampaignInvariants.databaseMatchesVenue(rig, symbol));
    }
    all.addAll(CampaignInvariants.oneEntryPerIntent(rig));
    all.addAll(CampaignInvariants.auditTrailWhole(rig));
    return all;
  }

  private static void failWith(BinanceRig rig, long seed, String at, List<String> violations)
      throws IOException {
    fail(
        "random kill campaign: violations after %s:%n  %s%nreplay this session with:%n  mvn -B -ntp"
            + " verify -pl runner -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dit.test=BinanceRandomKillIT -Dfailsafe.failIfNoSpecifiedTests=false"
            + " -Dcampaign.seed=%d -Dcampaign.sessions=1 -Dcampaign.kills=%d%nhistory:%s",
        at, String.join("\n  ", violations), seed, KILLS, CampaignHistory.of(rig));
  }
}
