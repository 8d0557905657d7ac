package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.BybitRig.BTC;
import static io.positionkeeper.runner.campaign.BybitRig.CREATE;
import static io.positionkeeper.runner.campaign.BybitRig.OPEN_ORDERS;
import static io.positionkeeper.runner.campaign.BybitRig.POSITIONS;
import static io.positionkeeper.runner.campaign.BybitRig.SYMBOL;
import static io.positionkeeper.runner.campaign.BybitRig.TRADING_STOP;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash campaign on Bybit: the runner as a child JVM against the Bybit emulator, killed with
 * SIGKILL at the points of an open and of a trailing move where a crash hurts most, then started
 * again. As on Binance the kill points are made by the emulator holding the answer to the request
 * that marks the point (the link-id look-up before the order, the order itself, the position read
 * before the stop, the stop itself, the amend of a trailing move). Bybit's stop is the position's
 * own, set and amended in place by one trading-stop call, so a trailing move has no window without
 * a stop; what a crash can still do is leave the database naming a looser stop than the venue's.
 *
 * <p>After every restart the invariants I1 to I5 are read from the venue and the database.
 */
class BybitCrashIT {
  private static final Duration HOLD = Duration.ofSeconds(120);
  private static final Duration SETTLE = Duration.ofSeconds(30);
  // From the signal to the request held: the signal poll, the look-ups and the leverage first; on a
  // loaded 2-core machine 30 s was not always enough.
  private static final Duration REACH = Duration.ofSeconds(60);

  @TempDir Path home;

  @Test
  void killedAfterPreRegister_beforeTheOrderIsSent_noOrderExists_andNothingIsAdopted()
      throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().hold("GET", OPEN_ORDERS, "orderLinkId=", HOLD);
      rig.signalLong();
      rig.await(
          "the link-id look-up that precedes the order",
          REACH,
          () -> rig.venue().requestCount("GET", OPEN_ORDERS) > 0);
      rig.killRunner();
      rig.venue().faults().clear();

      rig.startRunner();

      assertThat(rig.venue().requestCount("POST", CREATE)).isZero();
      assertThat(rig.positionAmount()).isZero();
      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.count("SELECT count(*) FROM monitoring.positions")).isZero();
    }
  }

  @Test
  void killedAfterTheOrderIsSent_beforeItsAnswer_theFillIsPersistedAndProtected_neverTwice()
      throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().hold("POST", CREATE, HOLD);
      rig.signalLong();
      rig.await("the entry order on the venue", REACH, () -> rig.positionAmount().signum() != 0);
      rig.killRunner();
      rig.venue().faults().clear();

      rig.startRunner();

      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.positionAmount()).isEqualByComparingTo("0.015");
      assertThat(rig.venue().requestCount("POST", CREATE)).isEqualTo(1);
    }
  }

  @Test
  void killedAfterTheFill_beforeTheStop_theRestartSetsTheStop() throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();
      long before = rig.venue().requestCount("GET", POSITIONS);
      rig.venue().faults().hold("GET", POSITIONS, "symbol=" + SYMBOL, HOLD);
      rig.signalLong();
      rig.await(
          "the position read that precedes the stop",
          REACH,
          () ->
              rig.positionAmount().signum() != 0
                  && rig.venue().requestCount("GET", POSITIONS) > before);
      assertThat(rig.venue().stopLoss(BTC)).as("no stop yet at the kill").isZero();
      rig.killRunner();
      rig.venue().faults().clear();

      rig.startRunner();

      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.positionAmount()).isEqualByComparingTo("0.015");
    }
  }

  @Test
  void killedAfterTheStopIsSet_beforeItIsRecorded_theStopIsFound_notSetAgain() throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();
      rig.venue().faults().hold("POST", TRADING_STOP, HOLD);
      rig.signalLong();
      rig.await("the stop on the venue", REACH, () -> rig.venue().stopLoss(BTC).signum() > 0);
      rig.killRunner();
      rig.venue().faults().clear();
      BigDecimal placed = rig.venue().stopLoss(BTC);
      long setsBefore = rig.venue().requestCount("POST", TRADING_STOP);

      rig.startRunner();

      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.venue().stopLoss(BTC))
          .as("the stop set before the crash is the one kept")
          .isEqualByComparingTo(placed);
      assertThat(rig.venue().requestCount("POST", TRADING_STOP))
          .as("trading-stop calls after the restart")
          .isEqualTo(setsBefore);
    }
  }

  @Test
  void killedInTheMiddleOfATrailingAmend_neverWithoutAStop_andNeverLooser() throws Exception {
    try (BybitRig rig = BybitRig.start(home)) {
      rig.startRunner();
      rig.signalLong();
      rig.await(
          "the position opened and protected",
          REACH,
          () -> "OPENED".equals(rig.one("SELECT outcome FROM monitoring.signals")));
      BigDecimal first = rig.venue().stopLoss(BTC);
      long sets = rig.venue().requestCount("POST", TRADING_STOP);
      // The amend takes effect on the venue, its answer never reaches the runner.
      rig.venue().faults().hold("POST", TRADING_STOP, HOLD);
      rig.venue().setMarkPrice(BTC, new BigDecimal("65600"));
      rig.await(
          "the trailing amend on the venue",
          REACH,
          () -> rig.venue().requestCount("POST", TRADING_STOP) > sets);
      BigDecimal tightest = rig.venue().stopLoss(BTC);
      assertThat(tightest).as("the amended stop at the kill").isGreaterThan(first);
      rig.killRunner();
      rig.venue().faults().clear();

      rig.startRunner();

      CampaignInvariants.assertSettle(rig, SETTLE);
      assertThat(rig.venue().stopLoss(BTC))
          .as("the stop kept is never looser than the one working at the crash")
          .isGreaterThanOrEqualTo(tightest);
    }
  }
}
