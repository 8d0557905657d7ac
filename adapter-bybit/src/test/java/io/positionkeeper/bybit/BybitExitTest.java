package io.positionkeeper.bybit;

import static io.positionkeeper.bybit.RecordingListener.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A position closed by its own stop-loss while nobody watched: the execution history gives the
 * stop's fill no {@code orderLinkId}, and {@code exitSince} names it by the stop's id, so the
 * keeper still records the close as its stop's and not as an external one.
 */
class BybitExitTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final ClientOrderId STOP = ClientOrderId.of("pks-exit-sl");

  private BybitEmulator emulator;
  private Instant since;

  @BeforeEach
  void aStopFiresWhileNobodyWatches() {
    emulator = BybitEmulator.start();
    emulator.setMarkPrice(BTC, new BigDecimal("64000"));
    try (BybitAdapter before = BybitAdapter.create(emulator.config(), emulator.credentials())) {
      ExchangeGateway gw = before.gateway();
      gw.placeMarketOrder(
          new MarketOrderRequest(
              BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of("pks-exit-e1"), false));
      gw.placeStopLoss(new StopLossRequest(BTC, PositionSide.LONG, new BigDecimal("63000"), STOP));
      since = gw.serverTime().minusSeconds(1);
    }
    emulator.setMarkPrice(BTC, new BigDecimal("62950"));
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  @Test
  void aRestartedInstanceToldItsStopNames_namesTheStopsFillByTheStoredId() {
    try (BybitAdapter after = BybitAdapter.create(emulator.config(), emulator.credentials())) {
      after.restoreStopNames(Map.of(BTC, STOP));
      // The reconciler reads the stops first: the stop is gone, its name still names its fill.
      assertThat(after.gateway().openStopLosses(BTC)).isEmpty();

      PositionExit exit = after.gateway().exitSince(BTC, PositionSide.LONG, since).orElseThrow();

      assertThat(exit.closingClientId()).contains(STOP);
      assertThat(exit.quantity()).isEqualByComparingTo("0.010");
      assertThat(exit.averagePrice()).isEqualByComparingTo("62950");
    }
  }

  @Test
  void anInstanceThatKnowsNoName_namesItByTheSymbolsDerivedId_neverByAnOrdersId() {
    try (BybitAdapter after = BybitAdapter.create(emulator.config(), emulator.credentials())) {
      PositionExit exit = after.gateway().exitSince(BTC, PositionSide.LONG, since).orElseThrow();

      assertThat(exit.closingClientId()).contains(ClientOrderId.of("bybit-sl-BTCUSDT"));
    }
  }

  @Test
  void aCloseByHand_hasNoClosingId() {
    try (BybitAdapter after = BybitAdapter.create(emulator.config(), emulator.credentials())) {
      after.restoreStopNames(Map.of(BTC, STOP));
      after
          .gateway()
          .placeMarketOrder(
              new MarketOrderRequest(
                  BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of("pks-exit-e2"), false));
      Instant later = after.gateway().serverTime();
      // The close's fill strictly after the instant, on the venue's ms clock.
      awaitTrue(
          "the venue's clock past " + later, () -> after.gateway().serverTime().isAfter(later));
      emulator.closeByHand(BTC);

      PositionExit exit = after.gateway().exitSince(BTC, PositionSide.LONG, later).orElseThrow();

      assertThat(exit.closingClientId()).isEmpty();
    }
  }
}
