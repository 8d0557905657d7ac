package io.positionkeeper.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.binance.config.TradingSettings.MarginType;
import io.positionkeeper.binance.config.TradingSettings.SymbolSettings;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The account as it really is: orphan close-position stops, foreign algo orders, hedge mode,
 * leverage and margin type, symbols that do not trade around the clock, and price protection.
 */
class VenueAsItIsTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");

  private BinanceEmulator venue;
  private BinanceGateway gateway;
  private BinanceStreams streams;

  @BeforeEach
  void start() {
    venue = BinanceEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("50000.00"));
    gateway = new BinanceGateway(venue.config(), venue.credentials());
  }

  @AfterEach
  void stop() {
    if (streams != null) {
      streams.close();
    }
    gateway.close();
    venue.close();
  }

  private void buy(BinanceGateway g, String id) {
    g.placeMarketOrder(
        new MarketOrderRequest(
            BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of(id), false));
  }

  private BinanceGateway open(TradingSettings settings) {
    return BinanceGateway.open(venue.config(), venue.credentials(), Clock.system(), settings);
  }

  private static StopLossRequest stopAt(String trigger, String id) {
    return new StopLossRequest(
        BTC, PositionSide.LONG, new BigDecimal(trigger), ClientOrderId.of(id));
  }

  @Test
  void aStopOutlivesItsPositionClosedByHand_isStillListed_andWouldCloseTheNextOne() {
    buy(gateway, "e-orphan");
    gateway.placeStopLoss(stopAt("49000.0", "sl-orphan"));

    venue.closeExternally("BTCUSDT");

    assertThat(venue.positionAmount("BTCUSDT")).isZero();
    assertThat(gateway.openStopLosses(BTC))
        .extracting(StopOrder::clientId)
        .containsExactly(ClientOrderId.of("sl-orphan"));
    // Left alone, the orphan closes the next position on the symbol.
    buy(gateway, "e-next");
    venue.setMarkPrice(BTC, new BigDecimal("48900.00"));
    assertThat(venue.positionAmount("BTCUSDT")).isZero();
  }

  @Test
  void takeProfitsTrailingAndQuantityStops_areNeverOurStops_onTheStreamOrOverRest() {
    RecordingListener events = new RecordingListener();
    streams = new BinanceStreams(gateway);
    streams.start(events);
    events.awaitState(ConnectionState.RESYNCED, 0);
    buy(gateway, "e-foreign");
    gateway.placeStopLoss(stopAt("49000.0", "sl-ours"));

    venue.placeAlgoByHand(
        Map.of(
            "symbol", "BTCUSDT",
            "side", "SELL",
            "type", "TAKE_PROFIT_MARKET",
            "triggerPrice", "52000",
            "closePosition", "true",
            "workingType", "MARK_PRICE",
            "clientAlgoId", "web-tp"));
    venue.placeAlgoByHand(
        Map.of(
            "symbol", "BTCUSDT",
            "side", "SELL",
            "type", "TRAILING_STOP_MARKET",
            "quantity", "0.010",
            "reduceOnly", "true",
            "callbackRate", "1",
            "clientAlgoId", "web-trail"));
    venue.placeAlgoByHand(
        Map.of(
            "symbol", "BTCUSDT",
            "side", "SELL",
            "type", "STOP_MARKET",
            "triggerPrice", "48000",
            "quantity", "0.005",
            "reduceOnly", "true",
            "clientAlgoId", "web-sl"));
    // The take-profit fires and closes the position: still not an event about our stop.
    venue.setMarkPrice(BTC, new BigDecimal("52000.00"));

    assertThat(gateway.openStopLosses(BTC))
        .extracting(StopOrder::clientId)
        .containsExactly(ClientOrderId.of("sl-ours"));
    RecordingListener.awaitTrue(
        "the take-profit's close", () -> venue.positionAmount("BTCUSDT").signum() == 0);
    int from = events.size();
    venue.dropStreams(); // the reconnection's resync reads the same over REST
    events.awaitState(ConnectionState.RESYNCED, from);
    assertThat(events.events(StreamEvent.StopChanged.class))
        .extracting(e -> e.clientId().value())
        .isNotEmpty()
        .allMatch(id -> id.equals("sl-ours"));
  }

  @Test
  void aHedgeModeAccount_isRefusedAtStart_sayingHowToSwitch() {
    venue.setHedgeMode(true);

    assertThatThrownBy(() -> open(TradingSettings.defaults()))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo(BinanceGateway.HEDGE_MODE))
        .hasMessageContaining("hedge mode")
        .hasMessageContaining("dualSidePosition=false");
    assertThat(venue.requestCount("POST", "/fapi/v1/order")).isZero();
  }

  @Test
  void leverageAndMarginType_areSetAtStart_andAlreadySetIsFine() {
    TradingSettings settings =
        TradingSettings.defaults()
            .withSymbols(Map.of(BTC, new SymbolSettings(5, MarginType.ISOLATED)));

    try (BinanceGateway g = open(settings)) {
      assertThat(venue.leverage("BTCUSDT")).contains(5);
      assertThat(venue.marginType("BTCUSDT")).isEqualTo("ISOLATED");
      // Again (a restart): the venue answers -4046 for the margin type, which is success.
      AccountSetup again = g.prepareAccount();
      assertThat(again.oneWayMode()).isTrue();
      assertThat(again.symbols()).containsEntry(BTC, new SymbolSettings(5, MarginType.ISOLATED));
    }
  }

  @Test
  void symbolsThatDoNotTradeAroundTheClock_andUnknownContractTypes_areRefusedBeforeAnyOrder() {
    venue.addInstrument("AAPLUSDT", "TRADIFI_PERPETUAL", "0.01", "0.01", "0.01", "1000", "5");
    venue.addInstrument("ODDUSDT", "SOMETHING_NEW", "0.01", "0.01", "0.01", "1000", "5");

    for (String symbol : new String[] {"AAPLUSDT", "ODDUSDT"}) {
      assertThatThrownBy(
              () ->
                  gateway.placeMarketOrder(
                      new MarketOrderRequest(
                          Symbol.of(symbol),
                          Side.BUY,
                          BigDecimal.ONE,
                          ClientOrderId.of("e-" + symbol),
                          false)))
          .isInstanceOf(RejectedException.class)
          .hasMessageContaining(symbol + " is not tradable")
          .hasMessageContaining("around the clock");
    }
    assertThatThrownBy(
            () ->
                open(
                    TradingSettings.defaults()
                        .withSymbols(
                            Map.of(
                                Symbol.of("AAPLUSDT"), new SymbolSettings(2, MarginType.CROSSED)))))
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining("TRADIFI_PERPETUAL");
    assertThat(venue.requestCount("POST", "/fapi/v1/order")).isZero();
    assertThat(venue.requestCount("POST", "/fapi/v1/leverage")).isZero();
  }

  @Test
  void stopsTrigger_onThePriceTheirWorkingTypeNames() {
    buy(gateway, "e-working");
    gateway.placeStopLoss(stopAt("49000.0", "sl-mark")); // MARK_PRICE
    venue.placeAlgoByHand(
        Map.of(
            "symbol", "BTCUSDT",
            "side", "SELL",
            "type", "STOP_MARKET",
            "triggerPrice", "49500",
            "quantity", "0.005",
            "reduceOnly", "true",
            "workingType", "CONTRACT_PRICE",
            "clientAlgoId", "web-contract"));

    // The last trade falls through 49500, the mark does not reach 49000.
    venue.setPrices("BTCUSDT", new BigDecimal("49800.00"), new BigDecimal("49400.00"));
    assertThat(venue.positionAmount("BTCUSDT")).isEqualByComparingTo("0.005");
    assertThat(venue.algoStatus("sl-mark")).contains("NEW");

    venue.setPrices("BTCUSDT", new BigDecimal("48900.00"), new BigDecimal("49400.00"));
    assertThat(venue.positionAmount("BTCUSDT")).isZero();
    assertThat(venue.algoStatus("sl-mark")).contains("FINISHED");
  }

  @Test
  void aFlashMove_firesTheDefaultStop_butNotAPriceProtectedOne() {
    try (BinanceGateway protectedGateway =
        new BinanceGateway(
            venue.config(),
            venue.credentials(),
            Clock.system(),
            TradingSettings.defaults().withPriceProtect(true))) {
      buy(protectedGateway, "e-flash");
      protectedGateway.placeStopLoss(stopAt("49000.0", "sl-protected"));

      // The mark crashes through the stop while the last trade lags far behind (over 5 %).
      venue.setPrices("BTCUSDT", new BigDecimal("45000.00"), new BigDecimal("49900.00"));
      assertThat(venue.positionAmount("BTCUSDT")).isEqualByComparingTo("0.010");

      protectedGateway.cancelStopLoss(BTC, ClientOrderId.of("sl-protected"));
      venue.setMarkPrice(BTC, new BigDecimal("50000.00"));
      gateway.placeStopLoss(stopAt("49000.0", "sl-default"));
      venue.setPrices("BTCUSDT", new BigDecimal("45000.00"), new BigDecimal("49900.00"));
      assertThat(venue.positionAmount("BTCUSDT")).isZero();
    }
  }
}
