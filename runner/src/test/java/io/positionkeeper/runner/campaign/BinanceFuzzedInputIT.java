package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BinanceRig.SYMBOL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.binance.SharedFixtures;
import io.positionkeeper.binance.emulator.BinanceEmulator.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzed input reaching the running runner (campaign scenario 20, end to end): signals the database
 * refuses (NaN, infinity, a malformed symbol) and signals it accepts but no one should trade (sizes
 * of 1e400, 1e100000 and 1e-400, a 1e400 trailing activation, an unknown symbol, the other venue),
 * stream messages mutated from the venue's real payloads (truncated, NaN, 1e400, wrong types,
 * unknown events, huge bodies) on both streams, and REST answers replaced by mutated bodies. The
 * runner keeps running, no order goes out from any of it, and a good signal afterwards still opens
 * and is protected, with I1 to I5.
 */
class BinanceFuzzedInputIT {
  private static final long SEED = Long.getLong("fuzz.seed", 20261205L);
  private static final Duration SETTLE = Duration.ofSeconds(60);

  @TempDir Path home;

  @Test
  void badSignals_fuzzedStreamsAndAnswers_noOrderFromBadData_andGoodSignalsStillOpen()
      throws Exception {
    SplittableRandom random = new SplittableRandom(SEED);
    try (BinanceRig rig = BinanceRig.start(home)) {
      rig.leaseTtl(Duration.ofSeconds(20));
      rig.startRunner();

      // The database is the first boundary: NaN, infinities and a malformed symbol never get in.
      for (String refused :
          List.of(
              signal(SYMBOL, "LONG", "'NaN'", "1.5"),
              signal(SYMBOL, "LONG", "1000", "'NaN'"),
              signal(SYMBOL, "LONG", "'Infinity'", "1.5"),
              signal("btc usdt", "SHORT", "1000", "1.5"))) {
        assertThatThrownBy(() -> execute(rig, refused))
            .as("refused by the database: %s", refused)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("check constraint");
      }
      // What it lets through, the runner has to refuse.
      List<String> badSignals =
          List.of(
              signal(SYMBOL, "SHORT", "1e400", "1.5"),
              signal(SYMBOL, "LONG", "1e100000", "1.5"),
              signal(SYMBOL, "LONG", "1e-400", "1.5"),
              signal("NOPEUSDT", "LONG", "1000", "1.5"),
              signal(SYMBOL, "LONG", "1000", "1e400"));
      for (String sql : badSignals) {
        execute(rig, sql);
      }
      execute(
          rig,
          "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
              + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent)"
              + " VALUES ('"
              + BinanceRig.ACCOUNT
              + "', 'BYBIT', 'BTCUSDT', 'LONG', 1000, 'QUOTE', 2, 1.5, 0.5)");
      rig.await(
          "every bad signal completed",
          Duration.ofSeconds(90),
          () -> rig.count("SELECT count(*) FROM monitoring.signals WHERE outcome IS NULL") == 0);
      assertThat(rig.count("SELECT count(*) FROM monitoring.signals WHERE outcome = 'OPENED'"))
          .as("no bad signal opened: %s", outcomes(rig))
          .isZero();

      Map<Path, String> payloads = payloads();
      int frames = 0;
      for (int round = 0; round < 8; round++) {
        for (Map.Entry<Path, String> p : payloads.entrySet()) {
          if (!p.getKey().getFileName().toString().startsWith("ws_")) {
            continue;
          }
          String frame = Mutations.mutate(p.getValue(), random);
          if (p.getKey().getFileName().toString().contains("mark_price")) {
            rig.venue().sendRawMarketFrame(frame);
          } else {
            rig.venue().sendRawUserFrame(frame);
          }
          frames++;
        }
      }
      assertThat(frames).isGreaterThan(50);

      List<String> restPaths =
          rig.venue().requests().stream()
              .filter(r -> r.method().equals("GET") && r.apiKey().isPresent())
              .map(RecordedRequest::path)
              .filter(path -> !path.contains("listenKey"))
              .distinct()
              .toList();
      assertThat(restPaths).as("the runner's own read requests").isNotEmpty();
      List<String> restBodies = new ArrayList<>(payloads.values());
      Map<String, Long> before = new LinkedHashMap<>();
      for (String path : restPaths) {
        before.put(path, rig.venue().requestCount("GET", path));
        for (int i = 0; i < 3; i++) {
          String body = Mutations.mutate(restBodies.get(random.nextInt(restBodies.size())), random);
          rig.venue().faults().answerNext("GET", path, 200, body);
        }
      }
      // A periodic reconciliation reads positions and stops: at least one mutated answer is read.
      rig.await(
          "a mutated REST answer read by the runner",
          Duration.ofSeconds(90),
          () ->
              before.entrySet().stream()
                  .anyMatch(e -> rig.venue().requestCount("GET", e.getKey()) >= e.getValue() + 3));
      assertThat(rig.runnerAlive()).as("the runner keeps running on fuzzed input").isTrue();
      assertThat(entryOrders(rig)).as("no order from bad data").isZero();
      rig.venue().faults().clear();

      rig.signalLong();
      rig.await(
          "the good signal opened and protected",
          Duration.ofSeconds(90),
          () -> rig.count("SELECT count(*) FROM monitoring.signals WHERE outcome = 'OPENED'") == 1);
      CampaignInvariants.assertSettle(rig, SETTLE);

      // With a position open, absurd mark prices on the market stream: read as prices, they would
      // move the trailing stop out of the market (or overflow at the first sum).
      String mark =
          payloads.entrySet().stream()
              .filter(e -> e.getKey().getFileName().toString().startsWith("ws_mark_price_update"))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElseThrow();
      long stopsBefore = rig.venue().requestCount("POST", "/fapi/v1/algoOrder");
      for (String absurd : List.of("1e400", "1E+2147483648", "1" + "0".repeat(100))) {
        rig.venue()
            .sendRawMarketFrame(
                mark.replaceFirst("\"s\":\"[A-Z]+\"", "\"s\":\"" + SYMBOL + "\"")
                    .replaceFirst("\"p\":\"[0-9.]+\"", "\"p\":\"" + absurd + "\""));
      }
      // Either the runner refused them as unreadable (and said so), or it acted on them.
      rig.await(
          "the absurd mark prices refused, or acted on",
          Duration.ofSeconds(30),
          () -> {
            try {
              return rig.logsContain("is out of range")
                  || rig.venue().requestCount("POST", "/fapi/v1/algoOrder") > stopsBefore;
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      Thread.sleep(2_000);
      assertThat(rig.venue().requestCount("POST", "/fapi/v1/algoOrder"))
          .as("no stop moved by an absurd mark price%s", CampaignHistory.of(rig))
          .isEqualTo(stopsBefore);
      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.venue().positionAmount(SYMBOL)).isEqualByComparingTo("0.015");
      assertThat(entryOrders(rig)).as("one entry order, the good signal's").isEqualTo(1);
    }
  }

  private static long entryOrders(BinanceRig rig) {
    return rig.venue().requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals("/fapi/v1/order"))
        .filter(r -> !"true".equalsIgnoreCase(r.params().get("reduceOnly")))
        .count();
  }

  private static String signal(String symbol, String side, String size, String activation) {
    return "INSERT INTO monitoring.signals (account, exchange, symbol, side, size, size_unit,"
        + " stop_loss_percent, trailing_activation_percent, trailing_callback_percent) VALUES ('"
        + BinanceRig.ACCOUNT
        + "', 'BINANCE', '"
        + symbol
        + "', '"
        + side
        + "', "
        + size
        + ", 'QUOTE', 2, "
        + activation
        + ", 0.5)";
  }

  private static String outcomes(BinanceRig rig) {
    return rig.one(
        "SELECT string_agg(id || ' ' || coalesce(outcome, '-') || ' ' || coalesce(detail, ''),"
            + " ' | ' ORDER BY id) FROM monitoring.signals");
  }

  private static void execute(BinanceRig rig, String sql) throws Exception {
    try (Connection c = rig.pool().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Map<Path, String> payloads() throws Exception {
    Map<Path, String> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(SharedFixtures.binanceOrSkip())) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        out.put(p, Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
