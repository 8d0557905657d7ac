package io.positionkeeper.runner.campaign;

import static io.positionkeeper.runner.campaign.RigTrades.STOP_HIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The private stream failing under the running runner, on Bybit ({@link StreamFaultScenarios}):
 * stalled, its session ended by the venue, its logins refused for a while, its events duplicated,
 * reordered and replayed. Bybit has no listen key: a private connection lives while it is pinged
 * and logged in ({@code op:auth}, signed with an expiry), so its analogues of Binance's key expiry
 * and 24 h rotation are the venue ending the connection and refusing the next logins.
 */
class BybitStreamFaultIT extends StreamFaultScenarios<BybitRig> {
  @Override
  BybitRig start(Path home) throws Exception {
    return BybitRig.start(home);
  }

  @Override
  void stallStreams() {
    rig.venue().stallOpenStreams();
  }

  @Override
  int privateConnections() {
    return rig.venue().privateConnectionsOpened();
  }

  @Override
  String privateStallLogged() {
    return "WsClient[private]: nothing received for";
  }

  @Override
  List<String> privateFrames() {
    return rig.venue().privateFrames();
  }

  @Override
  void resendPrivate(String frame) {
    rig.venue().sendRawPrivateFrame(frame);
  }

  /**
   * Scenario 11, the connection's end: the venue ends every stream connection with a close frame
   * (as at its maintenance, or when a connection's {@code max_active_time} runs out) and the stop
   * fills before the runner is back. The runner connects and logs in again, resyncs, and the fill
   * is in the row.
   */
  @Test
  @Order(2)
  void connectionsEndedByTheVenue_areReopened_andTheFillMeanwhileIsInTheRow() throws Exception {
    RigTrades.openLong(rig);
    int logins = rig.venue().privateLogins();
    rig.venue().closeStreams();
    rig.setMark(rig.symbol(), STOP_HIT);

    rig.await("a new private login", RigTrades.SETTLE, () -> rig.venue().privateLogins() > logins);

    assertThat(rig.logsContain("private stream lost (1001")).as("the close noticed").isTrue();
    RigTrades.assertTheStopFillIsInTheRow(rig);
  }

  /**
   * Scenario 11, logins refused: the private connection is cut and the venue refuses the next three
   * logins (an {@code op:auth} answered {@code success false}, as for a key it does not accept at
   * that moment), and the stop fills while the runner has no private stream. The runner keeps
   * trying with its backoff, logs in, resyncs, and the fill is in the row.
   */
  @Test
  @Order(3)
  void loginsRefusedForAWhile_theRunnerLogsInAgain_andTheFillWithoutAStreamIsInTheRow()
      throws Exception {
    RigTrades.openLong(rig);
    int logins = rig.venue().privateLogins();
    rig.venue().refuseNextLogins(3);
    rig.venue().dropStreams();
    rig.setMark(rig.symbol(), STOP_HIT);

    rig.await(
        "a private login after the refusals",
        RigTrades.SETTLE,
        () -> rig.venue().privateLogins() > logins);

    assertThat(rig.logsContain("private stream: auth refused")).as("the refusals").isTrue();
    RigTrades.assertTheStopFillIsInTheRow(rig);
  }
}
