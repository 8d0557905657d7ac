package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.runner.campaign.RunnerRig.Received;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a trader does and sees on a rig of any venue that several scenarios share one after another:
 * one long opened per scenario at a known price, the newest row, the requests sent since a moment.
 * Every scenario starts flat, so it can tell its own orders and rows from the earlier ones.
 */
final class RigTrades {
  /** The mark at every opening: 1,000 USDT buys 0.015 BTC; the 2 % stop sits at 62,720. */
  static final BigDecimal ENTRY = new BigDecimal("64000");

  static final BigDecimal QUANTITY = new BigDecimal("0.015");
  static final BigDecimal STOP = new BigDecimal("62720");

  /** A mark below the stop: the venue fills the stop there. */
  static final BigDecimal STOP_HIT = new BigDecimal("62000");

  /** One reconciliation period (a minute) and its confirming snapshot, with room for a slow CI. */
  static final Duration RECONCILIATION = Duration.ofSeconds(100);

  static final Duration SETTLE = Duration.ofSeconds(30);
  private static final Duration OPENING = Duration.ofSeconds(60);
  private static final String NEWEST = " FROM monitoring.positions ORDER BY id DESC LIMIT 1";

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
        OPENING,
        () ->
            rig.count("SELECT count(*) FROM monitoring.signals WHERE outcome IS NOT NULL")
                > signals);
    assertThat(
            rig.one(
                "SELECT outcome || ': ' || coalesce(detail, '') FROM monitoring.signals"
                    + " ORDER BY id DESC LIMIT 1"))
        .startsWith("OPENED");
    CampaignInvariants.assertSettle(rig, SETTLE);
    assertThat(rig.positionAmount()).isEqualByComparingTo(QUANTITY);
    assertThat(newest(rig, "stop_price")).isEqualByComparingTo(STOP);
  }

  /**
   * Raises the mark 2 %: the trailing stop activates (at +1.5 %) and moves the stop up behind the
   * mark. Waits for the move (the row's stop above the entry, the invariants holding); returns the
   * new stop price.
   */
  static BigDecimal trailUp(RunnerRig rig, String what) throws InterruptedException {
    rig.setMark(rig.symbol(), new BigDecimal("65280"));
    rig.await(
        what,
        OPENING,
        () ->
            newest(rig, "stop_price").compareTo(ENTRY) > 0
                && CampaignInvariants.violations(rig).isEmpty());
    return newest(rig, "stop_price");
  }

  /** The fill the stream could not tell is in the row: closed by the stop at its fill price. */
  static void assertTheStopFillIsInTheRow(RunnerRig rig) throws InterruptedException {
    assertClosed(rig, "STOP_LOSS", STOP_HIT);
    assertThat(newest(rig, "quantity")).isEqualByComparingTo(QUANTITY);
    CampaignInvariants.assertSettle(rig, SETTLE);
  }

  /** No position on the venue and no open row: where every scenario starts. */
  static void assertFlat(RunnerRig rig) {
    assertThat(rig.positionAmount()).as("the venue's position").isZero();
    assertThat(
            rig.count(
                "SELECT count(*) FROM monitoring.positions WHERE status IN ('ACTIVE','CLOSING')"))
        .as("open rows")
        .isZero();
  }

  /**
   * Waits (up to a reconciliation period) until the newest row is closed, then checks it closed for
   * {@code reason} at {@code exit}.
   */
  static void assertClosed(RunnerRig rig, String reason, BigDecimal exit)
      throws InterruptedException {
    rig.await(
        "the row closed", RECONCILIATION, () -> "CLOSED".equals(rig.one("SELECT status" + NEWEST)));
    assertThat(rig.one("SELECT close_reason" + NEWEST)).as("the close reason").isEqualTo(reason);
    assertThat(newest(rig, "exit_price")).as("the exit price").isEqualByComparingTo(exit);
  }

  /** A column of the newest row, as a number. */
  static BigDecimal newest(RunnerRig rig, String column) {
    String value = rig.one("SELECT " + column + NEWEST);
    return value == null ? null : new BigDecimal(value);
  }

  /** A text column of the newest row. */
  static String newestText(RunnerRig rig, String column) {
    return rig.one("SELECT " + column + NEWEST);
  }

  /** The POSTs to {@code path} the venue received since {@code since} (on the venue's clock). */
  static List<Received> posts(RunnerRig rig, String path, Instant since) {
    return rig.received().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals(path))
        .filter(r -> !r.at().isBefore(since))
        .toList();
  }
}
