package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 16 on Bybit: the runner's clock apart from the venue's while it trades. Bybit takes a
 * signed request only when {@code server_time - recv_window <= timestamp < server_time + 1000} and
 * otherwise answers retCode 10002 with nothing done; the runner re-measures the venue's time
 * ({@code /v5/market/time}) and sends the request once more, re-signed.
 */
class BybitClockSkewIT {
  private static final String REFUSED = "10002 (timestamp outside recv window)";

  @TempDir Path home;

  /**
   * The runner's clock 2 s ahead of the venue's (past the venue's 1 s tolerance), then 6 s behind
   * it (past the runner's 5 s recv_window). Signed calls are refused with 10002, the runner resyncs
   * and the call goes through: the opening is protected, the trailing move and the close happen,
   * and no order is sent twice.
   */
  @Test
  void clockSkewAheadAndBehind_signedCallsRecoverThroughTheTimeResync() throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();

      rig.venue().faults().skewClock(-2_000);
      long refusedBefore = occurrences(rig, REFUSED);
      RigTrades.openLong(rig);
      assertThat(occurrences(rig, REFUSED))
          .as("10002 answers met with the runner 2 s ahead")
          .isGreaterThan(refusedBefore);
      assertThat(RigTrades.newest(rig, "quantity")).isEqualByComparingTo(RigTrades.QUANTITY);

      rig.venue().faults().skewClock(6_000);
      long refusedAhead = occurrences(rig, REFUSED);
      BigDecimal trailed = RigTrades.trailUp(rig, "the trailing move with the runner 6 s behind");
      assertThat(occurrences(rig, REFUSED))
          .as("10002 answers met with the runner 6 s behind")
          .isGreaterThan(refusedAhead);

      BigDecimal exit = trailed.subtract(new BigDecimal("100"));
      rig.setMark(rig.symbol(), exit);
      RigTrades.assertClosed(rig, "TRAILING_STOP", exit);
      CampaignInvariants.assertSettle(rig, RigTrades.SETTLE);
      assertThat(rig.entryOrderCount()).as("entry orders sent").isEqualTo(1);
    }
  }

  /** How often {@code text} appears in every output of the runner so far. */
  private static long occurrences(RunnerRig rig, String text) {
    long n = 0;
    for (Path out : rig.outputs()) {
      if (Files.exists(out)) {
        String all;
        try {
          all = Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + 1)) {
          n++;
        }
      }
    }
    return n;
  }
}
