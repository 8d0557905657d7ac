package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BinanceRig.SYMBOL;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.binance.emulator.BinanceEmulator.ApiKey;
import io.positionkeeper.binance.emulator.BinanceEmulator.RecordedRequest;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runners on one account, the first killed (campaign scenario 21). Each runner signs with its
 * own API key of the account, so the venue tells their requests apart. While the first holds the
 * lease the second stands by and sends nothing that changes the account; once the first is killed
 * the second takes over (restore, resync, reconcile, under a higher lease epoch) and from then on
 * only it acts. Never both: no order or stop request of the second before the kill, none of the
 * first after it.
 */
class BinanceTakeoverIT {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final Set<String> ACTING = Set.of("POST", "DELETE", "PUT");

  @TempDir Path home;

  @Test
  void theStandbyTakesOverWhenTheFirstIsKilled_andNeverBothAct() throws Exception {
    try (BinanceRig rig = BinanceRig.start(home)) {
      // Longer than the rig's default: on a loaded machine a renewal may wait its turn for seconds,
      // and a runner whose lease went unrenewed for 9/10 of its life stops, by design.
      rig.leaseTtl(Duration.ofSeconds(20));
      rig.startRunner();
      rig.signalLong();
      rig.await(
          "the position opened and protected",
          Duration.ofSeconds(60),
          () -> "OPENED".equals(rig.one("SELECT outcome FROM monitoring.signals")));
      long firstEpoch = epoch(rig);

      ApiKey secondKey = rig.venue().addApiKey();
      BinanceRig.Incarnation second = rig.launchBeside(secondKey);
      rig.await(
          "the second runner standing by",
          Duration.ofSeconds(90),
          () -> logContains(second, "standby:"));
      // The first keeps acting while the second stands by: a trailing move.
      rig.venue().setMarkPrice(SYMBOL, new BigDecimal("65600"));
      rig.await(
          "the first runner's trailing move",
          Duration.ofSeconds(30),
          () -> rig.count("SELECT count(*) FROM monitoring.events WHERE type = 'STOP_MOVED'") > 0);
      assertThat(second.process().isAlive()).as("the standby is still waiting").isTrue();

      Instant killedAt = Instant.now();
      rig.killRunner();
      rig.await(
          "the second runner live", Duration.ofSeconds(90), () -> logContains(second, "live on "));
      rig.adopt(second);
      assertThat(epoch(rig)).as("the takeover's lease epoch").isGreaterThan(firstEpoch);
      assertThat(rig.one("SELECT holder FROM monitoring.account_leases"))
          .contains("/" + second.process().pid() + "/");

      // The second manages the position now: the next trailing move is its own.
      rig.venue().setMarkPrice(SYMBOL, new BigDecimal("66400"));
      rig.await(
          "the second runner's trailing move",
          Duration.ofSeconds(60),
          () ->
              acting(rig, secondKey.key()).stream().anyMatch(r -> r.path().contains("algoOrder")));
      CampaignInvariants.assertSettle(rig, SETTLE);

      String firstKey = rig.venue().apiKey();
      List<RecordedRequest> firstActs = acting(rig, firstKey);
      List<RecordedRequest> secondActs = acting(rig, secondKey.key());
      String history = CampaignHistory.of(rig);
      assertThat(firstActs)
          .as("the first runner acted before its kill only%s", history)
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.receivedAt()).isBefore(killedAt));
      assertThat(secondActs)
          .as("the standby acted after the kill only%s", history)
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.receivedAt()).isAfter(killedAt));
      assertThat(rig.venue().positionAmount(SYMBOL)).isEqualByComparingTo("0.015");
      assertThat(rig.count("SELECT count(*) FROM monitoring.positions")).isEqualTo(1);
    }
  }

  /** The requests signed with {@code key} that change the account (orders, stops, cancels). */
  private static List<RecordedRequest> acting(BinanceRig rig, String key) {
    return rig.venue().requests().stream()
        .filter(r -> r.apiKey().filter(key::equals).isPresent())
        .filter(r -> ACTING.contains(r.method()))
        .filter(r -> !r.path().contains("listenKey"))
        .toList();
  }

  private static long epoch(BinanceRig rig) {
    return rig.count("SELECT epoch FROM monitoring.account_leases");
  }

  private static boolean logContains(BinanceRig.Incarnation runner, String text) {
    try {
      return runner.logContains(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
