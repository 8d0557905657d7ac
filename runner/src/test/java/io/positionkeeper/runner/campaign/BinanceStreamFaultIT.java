package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The user-data stream failing under the running runner, on Binance ({@link StreamFaultScenarios}):
 * stalled, its listen key expired, its connection ended at the venue's 24 h limit, its events
 * duplicated, reordered and replayed.
 */
class BinanceStreamFaultIT extends StreamFaultScenarios<BinanceVenueRig> {
  @Override
  BinanceVenueRig start(Path home) throws Exception {
    return BinanceVenueRig.start(home);
  }

  @Override
  void stallStreams() {
    rig.venue().stallUserStream();
    rig.venue().stallMarketStream();
  }

  @Override
  int privateConnections() {
    return (int) rig.venue().openedStreams().stream().filter(s -> s.startsWith("/private")).count();
  }

  @Override
  String privateStallLogged() {
    return "user-data stream stalled";
  }

  @Override
  List<String> privateFrames() {
    return rig.venue().userFrames();
  }

  @Override
  void resendPrivate(String frame) {
    rig.venue().sendRawUserFrame(frame);
  }

  /**
   * Scenario 11, the listen key: the venue says it expired, the first attempts to get a new one
   * fail, and the stop fills while the runner has no key (the venue sends nothing then). The runner
   * gets a new key and connection, and the fill is in the row.
   */
  @Test
  @Order(2)
  void listenKeyExpired_aNewKeyFailsTwice_theFillWithoutAKeyIsInTheRow() throws Exception {
    RigTrades.openLong(rig);
    String expired = rig.venue().activeListenKey().orElseThrow();
    rig.venue().faults().serverErrorNext("POST", "/fapi/v1/listenKey", 2);
    rig.venue().expireListenKey();
    rig.setMark(rig.symbol(), RigTrades.STOP_HIT);

    rig.await(
        "a new listen key in use",
        Duration.ofSeconds(60),
        () ->
            rig.venue().activeListenKey().filter(k -> !k.equals(expired)).isPresent()
                && rig.venue().openedStreams().stream()
                    .anyMatch(s -> s.contains(rig.venue().activeListenKey().orElse("-"))));

    assertThat(rig.logsContain("listen key expired")).as("the expiry noticed").isTrue();
    RigTrades.assertTheStopFillIsInTheRow(rig);
  }

  /**
   * Scenario 11, the 24 h rotation: the venue ends every connection at its 24 h limit (a close
   * frame) and the stop fills before the runner is back. The runner reconnects and finds the fill.
   */
  @Test
  @Order(3)
  void connectionsEndedAtTheDayLimit_areReopened_andTheFillMeanwhileIsInTheRow() throws Exception {
    RigTrades.openLong(rig);
    int opened = privateConnections();
    rig.venue().closeStreamsAtDayLimit();
    rig.setMark(rig.symbol(), RigTrades.STOP_HIT);

    rig.await(
        "a new user-data connection",
        Duration.ofSeconds(60),
        () -> privateConnections() > opened && rig.venue().userConnections() > 0);

    RigTrades.assertTheStopFillIsInTheRow(rig);
  }
}
