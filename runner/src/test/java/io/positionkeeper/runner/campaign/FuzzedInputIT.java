package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fuzzed input reaching the running runner (campaign scenario 20, end to end) on every venue:
 * signals the database refuses (NaN, infinity, a malformed symbol) and signals it accepts but no
 * one should trade (sizes of 1e400, 1e100000 and 1e-400, a 1e400 trailing activation, an unknown
 * symbol, the other venue), stream messages mutated from the venue's real payloads (truncated, NaN,
 * 1e400, wrong types, unknown events, huge bodies) on both streams, and REST answers replaced by
 * mutated bodies. The runner keeps running, no order goes out from any of it, and a good signal
 * afterwards still opens and is protected, with I1 to I5.
 */
class FuzzedInputIT {
  private static final long SEED = Long.getLong("fuzz.seed", 20261205L);
  private static final Duration SETTLE = Duration.ofSeconds(60);

  @TempDir Path home;

  @ParameterizedTest
  @EnumSource(CampaignVenue.class)
  void badSignals_fuzzedStreamsAndAnswers_noOrderFromBadData_andGoodSignalsStillOpen(
      CampaignVenue venue) throws Exception {
    SplittableRandom random = new SplittableRandom(SEED);
    try (RunnerRig rig = venue.start(home)) {
      String symbol = rig.symbol();
      rig.leaseTtl(Duration.ofSeconds(20));
      rig.startRunner();

      // The database is the first boundary: NaN, infinities and a malformed symbol never get in.
      for (String refused :
          List.of(
              signal(rig.exchange(), symbol, "LONG", "'NaN'", "1.5"),
              signal(rig.exchange(), symbol, "LONG", "1000", "'NaN'"),
              signal(rig.exchange(), symbol, "LONG", "'Infinity'", "1.5"),
              signal(rig.exchange(), "btc usdt", "SHORT", "1000", "1.5"))) {
        assertThatThrownBy(() -> rig.execute(refused))
            .as("refused by the database: %s", refused)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("check constraint");
      }
      // What it lets through, the runner has to refuse.
      String other = rig.exchange().equals("BINANCE") ? "BYBIT" : "BINANCE";
      for (String sql :
          List.of(
              signal(rig.exchange(), symbol, "SHORT", "1e400", "1.5"),
              signal(rig.exchange(), symbol, "LONG", "1e100000", "1.5"),
              signal(rig.exchange(), symbol, "LONG", "1e-400", "1.5"),
              signal(rig.exchange(), "NOPEUSDT", "LONG", "1000", "1.5"),
              signal(rig.exchange(), symbol, "LONG", "1000", "1e400"),
              signal(other, symbol, "LONG", "1000", "1.5"))) {
        rig.execute(sql);
      }
      rig.await(
          "every bad signal completed",
          Duration.ofSeconds(90),
          () -> rig.count("SELECT count(*) FROM monitoring.signals WHERE outcome IS NULL") == 0);
      assertThat(rig.count("SELECT count(*) FROM monitoring.signals WHERE outcome = 'OPENED'"))
          .as("no bad signal opened: %s", outcomes(rig))
          .isZero();

      Map<String, String> payloads = rig.fixtures();
      int frames = 0;
      for (int round = 0; round < 8; round++) {
        for (Map.Entry<String, String> p : payloads.entrySet()) {
          if (!rig.isStreamFixture(p.getKey())) {
            continue;
          }
          String frame = Mutations.mutate(p.getValue(), random);
          rig.sendRawFrame(!rig.isPublicStreamFixture(p.getKey()), frame);
          frames++;
        }
      }
      assertThat(frames).isGreaterThan(50);

      List<String> restPaths =
          rig.received().stream()
              .filter(r -> r.method().equals("GET") && r.apiKey().isPresent())
              .map(RunnerRig.Received::path)
              .filter(path -> !path.contains("listenKey"))
              .distinct()
              .toList();
      assertThat(restPaths).as("the runner's own read requests").isNotEmpty();
      List<String> restBodies = new ArrayList<>(payloads.values());
      Map<String, Long> before = new LinkedHashMap<>();
      for (String path : restPaths) {
        before.put(path, rig.requestCount("GET", path));
        for (int i = 0; i < 3; i++) {
          rig.answerNextRead(
              path, Mutations.mutate(restBodies.get(random.nextInt(restBodies.size())), random));
        }
      }
      // A periodic reconciliation reads positions and stops: at least one mutated answer is read.
      rig.await(
          "a mutated REST answer read by the runner",
          Duration.ofSeconds(90),
          () ->
              before.entrySet().stream()
                  .anyMatch(e -> rig.requestCount("GET", e.getKey()) >= e.getValue() + 3));
      assertThat(rig.runnerAlive()).as("the runner keeps running on fuzzed input").isTrue();
      assertThat(rig.entryOrderCount()).as("no order from bad data").isZero();
      rig.clearFaults();

      rig.signalLong();
      rig.await(
          "the good signal opened and protected",
          Duration.ofSeconds(90),
          () -> rig.count("SELECT count(*) FROM monitoring.signals WHERE outcome = 'OPENED'") == 1);
      CampaignInvariants.assertSettle(rig, SETTLE);

      // With a position open, absurd mark prices on the public stream: read as prices, they would
      // move the trailing stop out of the market (or overflow at the first sum).
      long stopsBefore = rig.stopRequestCount();
      for (String absurd : List.of("1e400", "1E+2147483648", "1" + "0".repeat(100))) {
        rig.sendRawFrame(false, rig.markFrame(symbol, absurd));
      }
      // Either the runner refused them as unreadable (and said so), or it acted on them.
      rig.await(
          "the absurd mark prices refused, or acted on",
          Duration.ofSeconds(30),
          () -> rig.logsContain("is out of range") || rig.stopRequestCount() > stopsBefore);
      Thread.sleep(2_000);
      assertThat(rig.stopRequestCount())
          .as("no stop moved by an absurd mark price%s", CampaignHistory.of(rig))
          .isEqualTo(stopsBefore);
      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.positionAmount()).isEqualByComparingTo("0.015");
      assertThat(rig.entryOrderCount()).as("one entry order, the good signal's").isEqualTo(1);
    }
  }

  private static String signal(
      String exchange, String symbol, String side, String size, String activation) {
    return "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
        + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent) VALUES ('"
        + RunnerRig.ACCOUNT
        + "', '"
        + exchange
        + "', '"
        + symbol
        + "', '"
        + side
        + "', "
        + size
        + ", 'QUOTE', 2, "
        + activation
        + ", 0.5)";
  }

  private static String outcomes(RunnerRig rig) {
    return rig.one(
        "SELECT string_agg(id || ' ' || coalesce(outcome, '-') || ' ' || coalesce(detail, ''),"
            + " ' | ' ORDER BY id) FROM monitoring.signals");
  }
}
