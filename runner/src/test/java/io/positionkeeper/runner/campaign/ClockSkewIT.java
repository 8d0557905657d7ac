package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 16 on every venue: the runner's clock apart from the venue's while it trades. Binance
 * takes a signed request only when its timestamp is at most 1 s ahead of the venue's time and
 * within the 5 s recvWindow behind it, and otherwise answers -1021; Bybit's rule is the same
 * ({@code server_time - recv_window <= timestamp < server_time + 1000}) and its answer retCode
 * 10002. Either way nothing is done, and the runner re-measures the venue's time and sends the call
 * once more, re-signed.
 */
class ClockSkewIT {
  private static final Duration SETTLE = RigTrades.SETTLE;

  @TempDir Path home;

  /**
   * The runner's clock 2 s ahead of the venue's (past the venue's 1 s tolerance), then 6 s behind
   * it (past the 5 s receive window). Signed calls are refused, the runner resyncs and the call
   * goes through: the opening is protected, the trailing move and the close happen, no order is
   * sent twice, and the audit rows are the events the runner emitted.
   */
  @ParameterizedTest
  @EnumSource(CampaignVenue.class)
  void clockSkewAheadAndBehind_signedCallsRecoverThroughTheTimeResync(CampaignVenue venue)
      throws Exception {
    try (RunnerRig rig = venue.start(home)) {
      int metricsPort = rig.exposeMetrics();
      rig.startRunner();
      VenueFaults faults = rig.faults();
      String refused = faults.clockRefused();

      faults.skewClock(Duration.ofSeconds(-2));
      long refusedBefore = rig.occurrences(refused);
      RigTrades.openLong(rig);
      assertThat(rig.occurrences(refused))
          .as("refusals met with the runner 2 s ahead")
          .isGreaterThan(refusedBefore);
      assertThat(RigTrades.newest(rig, "quantity")).isEqualByComparingTo(RigTrades.QUANTITY);

      faults.skewClock(Duration.ofSeconds(6));
      long refusedAhead = rig.occurrences(refused);
      BigDecimal trailed = RigTrades.trailUp(rig, "the trailing move with the runner 6 s behind");
      assertThat(trailed).as("the trailed stop").isGreaterThan(RigTrades.ENTRY);
      assertThat(rig.occurrences(refused))
          .as("refusals met with the runner 6 s behind")
          .isGreaterThan(refusedAhead);

      BigDecimal exit = trailed.subtract(new BigDecimal("100"));
      rig.setMark(rig.symbol(), exit);
      RigTrades.assertClosed(rig, "TRAILING_STOP", exit);
      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.entryOrderCount()).as("entry orders sent").isEqualTo(1);
      AuditCounts.assertRowsAreTheEventsEmitted(rig, metricsPort, SETTLE);
    }
  }
}
