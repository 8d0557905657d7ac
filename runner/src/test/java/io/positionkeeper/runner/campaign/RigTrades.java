package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * What a trader does and sees on a rig of any venue that several scenarios share one after another:
 * one long opened per scenario at a known price, the newest row. Every scenario starts flat, so it
 * can tell its own rows from the earlier ones. The database reads are {@link BinanceTrades}'s,
 * which the Binance-only scenarios use.
 */
final class RigTrades {
  static final BigDecimal ENTRY = BinanceTrades.ENTRY;
  static final BigDecimal QUANTITY = BinanceTrades.QUANTITY;
  static final BigDecimal STOP = BinanceTrades.STOP;
  static final BigDecimal STOP_HIT = BinanceTrades.STOP_HIT;
  static final Duration RECONCILIATION = BinanceTrades.RECONCILIATION;

  private RigTrades() {}

  /**
   * Opens a long through the running runner and waits until it is protected: the signal OPENED, one
   * row ACTIVE with its stop, the invariants holding.
   */
  static void openLong(RunnerRig rig) throws Exception {
    assertFlat(rig);
    long signals = rig.count("SELECT count(*) FROM monitoring.signals");
    rig.setMark(rig.symbol(), ENTRY);
    rig.signalLong();
    rig.await(
        "the signal's outcome",
        BinanceTrades.OPENING,
        () ->
            rig.count("SELECT count(*) FROM monitoring.signals WHERE outcome IS NOT NULL")
                > signals);
    assertThat(
            rig.one(
                "SELECT outcome || ': ' || coalesce(detail, '') FROM monitoring.signals"
                    + " ORDER BY id DESC LIMIT 1"))
        .startsWith("OPENED");
    CampaignInvariants.assertSettle(rig, Duration.ofSeconds(30));
    assertThat(rig.positionAmount()).isEqualByComparingTo(QUANTITY);
    assertThat(BinanceTrades.newest(rig, "stop_price")).isEqualByComparingTo(STOP);
  }

  /** No position on the venue and no open row: where every scenario starts. */
  static void assertFlat(RunnerRig rig) {
    assertThat(rig.positionAmount()).as("the venue's position").isZero();
    BinanceTrades.assertNoOpenRow(rig);
  }
}
