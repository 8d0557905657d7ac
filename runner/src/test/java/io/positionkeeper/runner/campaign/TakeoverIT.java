package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.runner.campaign.RunnerRig.Received;
import io.positionkeeper.runner.campaign.RunnerRig.VenueKey;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two runners on one account, the first killed (campaign scenario 21), on every venue. Each runner
 * signs with its own API key of the account, so the venue tells their requests apart. While the
 * first holds the lease the second stands by and sends nothing that changes the account; once the
 * first is killed the second takes over (restore, resync, reconcile, under a higher lease epoch)
 * and from then on only it acts. Never both: no order or stop request of the second before the
 * kill, none of the first after it.
 */
class TakeoverIT {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final Set<String> ACTING = Set.of("POST", "DELETE", "PUT");
  private static final String MOVES =
      "SELECT count(*) FROM monitoring.events WHERE type = 'STOP_MOVED'";

  @TempDir Path home;

  @ParameterizedTest
  @EnumSource(CampaignVenue.class)
  void theStandbyTakesOverWhenTheFirstIsKilled_andNeverBothAct(CampaignVenue venue)
      throws Exception {
    try (RunnerRig rig = venue.start(home)) {
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

      VenueKey secondKey = rig.addApiKey();
      RunnerRig.Incarnation second = rig.launchBeside(secondKey);
      rig.await(
          "the second runner standing by",
          Duration.ofSeconds(90),
          () -> second.logContains("standby:"));
      // The first keeps acting while the second stands by: a trailing move.
      rig.setMark(rig.symbol(), new BigDecimal("65600"));
      rig.await(
          "the first runner's trailing move", Duration.ofSeconds(30), () -> rig.count(MOVES) > 0);
      assertThat(second.process().isAlive()).as("the standby is still waiting").isTrue();

      Instant killedAt = Instant.now();
      rig.killRunner();
      rig.await(
          "the second runner live", Duration.ofSeconds(90), () -> second.logContains("live on "));
      rig.adopt(second);
      assertThat(epoch(rig)).as("the takeover's lease epoch").isGreaterThan(firstEpoch);
      assertThat(rig.one("SELECT holder FROM monitoring.account_leases"))
          .contains("/" + second.process().pid() + "/");

      // The second manages the position now: the next trailing move is its own.
      long moves = rig.count(MOVES);
      rig.setMark(rig.symbol(), new BigDecimal("66400"));
      rig.await(
          "the second runner's trailing move",
          Duration.ofSeconds(60),
          () -> rig.count(MOVES) > moves && !acting(rig, secondKey.key()).isEmpty());
      CampaignInvariants.assertSettle(rig, SETTLE);

      List<Received> firstActs = acting(rig, rig.apiKey());
      List<Received> secondActs = acting(rig, secondKey.key());
      String history = CampaignHistory.of(rig);
      assertThat(firstActs)
          .as("the first runner acted before its kill only%s", history)
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.at()).isBefore(killedAt));
      assertThat(secondActs)
          .as("the standby acted after the kill only%s", history)
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.at()).isAfter(killedAt));
      assertThat(rig.positionAmount()).isEqualByComparingTo("0.015");
      assertThat(rig.count("SELECT count(*) FROM monitoring.positions")).isEqualTo(1);
    }
  }

  /** The requests signed with {@code key} that change the account (orders, stops, cancels). */
  private static List<Received> acting(RunnerRig rig, String key) {
    return rig.received().stream()
        .filter(r -> r.apiKey().filter(key::equals).isPresent())
        .filter(r -> ACTING.contains(r.method()))
        .filter(r -> !r.path().contains("listenKey"))
        .toList();
  }

  private static long epoch(RunnerRig rig) {
    return rig.count("SELECT epoch FROM monitoring.account_leases");
  }
}
