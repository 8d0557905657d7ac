package io.positionkeeper.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's operations against the emulated venue, on the happy path and at the edges. */
class BinanceGatewayTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Symbol ETH = Symbol.of("ETHUSDT");

  private BinanceEmulator venue;
  private BinanceGateway gateway;

  @BeforeEach
  void start() {
    venue = BinanceEmulator.start();
    gateway = new BinanceGateway(venue.config(), venue.credentials());
    venue.setMarkPrice(BTC, new BigDecimal("50000.00"));
    venue.setMarkPrice(ETH, new BigDecimal("3000.00"));
  }

  @AfterEach
  void stop() {
    gateway.close();
    venue.close();
  }

  private static MarketOrderRequest buy(String qty, String id) {
    return new MarketOrderRequest(BTC, Side.BUY, new BigDecimal(qty), ClientOrderId.of(id), false);
  }

  @Test
  void instrumentRules_comeFromMarketLotSizeTickAndNotionalFilters() {
    InstrumentRules btc = gateway.instrument(BTC);

    assertThat(btc.tickSize()).isEqualByComparingTo("0.10");
    assertThat(btc.stepSize()).isEqualByComparingTo("0.001");
    assertThat(btc.minQuantity()).isEqualByComparingTo("0.001");
    assertThat(btc.maxQuantity()).isEqualByComparingTo("120");
    assertThat(btc.minNotional()).isEqualByComparingTo("100");
    assertThat(gateway.instruments()).extracting(InstrumentRules::symbol).contains(BTC, ETH);
  }

  @Test
  void unknownSymbol_isRejectedWithAClearReason() {
    assertThatThrownBy(() -> gateway.instrument(Symbol.of("NOPEUSDT")))
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining("NOPEUSDT");
  }

  @Test
  void marketOrder_fillsAtMark_withTheClientIdAndA64BitOrderId() {
    OrderReport report = gateway.placeMarketOrder(buy("0.010", "entry-1"));

    assertThat(report.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(report.clientOrderId()).isEqualTo(ClientOrderId.of("entry-1"));
    assertThat(report.filledQuantity()).isEqualByComparingTo("0.01");
    assertThat(report.averagePrice()).isEqualByComparingTo("50000");
    // The emulator hands out ids above 2^53, like the live venue: exact digits prove no double.
    assertThat(Long.parseLong(report.orderId().value())).isGreaterThan(1L << 53);
    assertThat(venue.positionAmount("BTCUSDT")).isEqualByComparingTo("0.01");
  }

  @Test
  void marketOrder_sentTwiceWithTheSameClientId_createsOneOrderAndReportsTheFirst() {
    OrderReport first = gateway.placeMarketOrder(buy("0.010", "entry-dup"));
    OrderReport second = gateway.placeMarketOrder(buy("0.010", "entry-dup"));

    assertThat(second.orderId()).isEqualTo(first.orderId());
    assertThat(second.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(venue.orderCount()).isEqualTo(1);
    assertThat(venue.positionAmount("BTCUSDT")).isEqualByComparingTo("0.01");
  }

  @Test
  void queryOrder_findsByClientId_andIsEmptyOnlyWhenTheVenueHasNone() {
    OrderReport placed = gateway.placeMarketOrder(buy("0.010", "entry-q"));

    assertThat(gateway.queryOrder(BTC, ClientOrderId.of("entry-q")))
        .hasValueSatisfying(o -> assertThat(o.orderId()).isEqualTo(placed.orderId()));
    assertThat(gateway.queryOrder(BTC, ClientOrderId.of("never-sent"))).isEmpty();
  }

  @Test
  void cancelOfAFilledMarketOrder_reportsItsFinalState_andOfAnUnknownOneIsRejected() {
    gateway.placeMarketOrder(buy("0.010", "entry-c"));

    assertThat(gateway.cancelOrder(BTC, ClientOrderId.of("entry-c")).status())
        .isEqualTo(OrderStatus.FILLED);
    assertThatThrownBy(() -> gateway.cancelOrder(BTC, ClientOrderId.of("never-sent")))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("-2011"));
  }

  @Test
  void minNotional_marginAndPrecisionRefusals_areRejectedWithTheVenueCode() {
    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("0.001", "tiny")))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("-4164");
              assertThat(e.reason()).contains("notional");
            });
    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("0.0105", "fine")))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("-1111"));
    venue.faults().rejectNextOrder(-2019, "Margin is insufficient.");
    assertThatThrownBy(() -> gateway.placeMarketOrder(buy("0.010", "poor")))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("-2019");
              assertThat(e.reason()).isEqualTo("Margin is insufficient.");
            });
    assertThat(venue.positionAmount("BTCUSDT")).isZero();
  }

  @Test
  void reduceOnlyOrder_withoutAPosition_isRejectedWithReduceOnlyCode() {
    var close =
        new MarketOrderRequest(
            BTC, Side.SELL, new BigDecimal("0.010"), ClientOrderId.of("close-1"), true);

    assertThatThrownBy(() -> gateway.placeMarketOrder(close))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("-2022"));
  }

  @Test
  void stopLoss_isACloseAllStopMarketAlgoOrderOnTheMarkPrice() {
    gateway.placeMarketOrder(buy("0.010", "entry-s"));

    StopOrder stop =
        gateway.placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-1")));

    assertThat(stop.status()).isEqualTo(StopStatus.WORKING);
    assertThat(stop.positionSide()).isEqualTo(PositionSide.LONG);
    assertThat(stop.triggerPrice()).isEqualByComparingTo("49000");
    var sent =
        venue.requests().stream()
            .filter(r -> r.method().equals("POST") && r.path().equals("/fapi/v1/algoOrder"))
            .findFirst()
            .orElseThrow()
            .params();
    assertThat(sent)
        .containsEntry("algoType", "CONDITIONAL")
        .containsEntry("type", "STOP_MARKET")
        .containsEntry("side", "SELL")
        .containsEntry("closePosition", "true")
        .containsEntry("workingType", "MARK_PRICE")
        .containsEntry("priceProtect", "FALSE")
        .containsEntry("clientAlgoId", "sl-1")
        .containsEntry("triggerPrice", "49000")
        .doesNotContainKeys("quantity", "reduceOnly", "stopPrice");
    assertThat(gateway.openStopLosses(BTC)).containsExactly(stop);
  }

  @Test
  void allOpenStopLosses_readsEverySymbolsStopsInOneRequestOfWeight40() {
    gateway.placeMarketOrder(buy("0.010", "entry-a"));
    gateway.placeMarketOrder(
        new MarketOrderRequest(
            ETH, Side.SELL, new BigDecimal("0.100"), ClientOrderId.of("entry-b"), false));
    StopOrder btcStop =
        gateway.placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-a")));
    StopOrder ethStop =
        gateway.placeStopLoss(
            new StopLossRequest(
                ETH, PositionSide.SHORT, new BigDecimal("3100.00"), ClientOrderId.of("sl-b")));
    long weightBefore = venue.requestWeight();
    int requestsBefore = venue.requests().size();

    List<StopOrder> all = gateway.allOpenStopLosses();

    assertThat(all).containsExactlyInAnyOrder(btcStop, ethStop);
    assertThat(venue.requests().subList(requestsBefore, venue.requests().size()))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.path()).isEqualTo("/fapi/v1/openAlgoOrders");
              assertThat(r.params()).doesNotContainKey("symbol");
            });
    assertThat(venue.requestWeight() - weightBefore).isEqualTo(40);
  }

  @Test
  void stopLoss_thatWouldTriggerImmediately_isRefusedAsACrossing_withTheVenuesCode() {
    gateway.placeMarketOrder(buy("0.010", "entry-t"));

    // -2021 "Order would immediately trigger." (the venue's error code table): the venue's mark is
    // already beyond the trigger, which the caller must read as the level crossed.
    assertThatThrownBy(
            () ->
                gateway.placeStopLoss(
                    new StopLossRequest(
                        BTC,
                        PositionSide.LONG,
                        new BigDecimal("50100.0"),
                        ClientOrderId.of("sl-bad"))))
        .isInstanceOfSatisfying(
            StopWouldTriggerException.class,
            e -> {
              assertThat(e.code()).isEqualTo("-2021");
              assertThat(e.reason()).isEqualTo("Order would immediately trigger.");
            });
  }

  @Test
  void stopLoss_refusedForAnotherReason_isNoCrossing() {
    gateway.placeMarketOrder(buy("0.010", "entry-t2"));
    venue.allowOpenAlgoOrders(1);
    gateway.placeStopLoss(
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-one")));

    // -4045 "Reach max stop order limit.": a refusal that says nothing about the mark.
    assertThatThrownBy(
            () ->
                gateway.placeStopLoss(
                    new StopLossRequest(
                        BTC,
                        PositionSide.LONG,
                        new BigDecimal("49100.0"),
                        ClientOrderId.of("sl-two"))))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("-4045");
              assertThat(e).isNotInstanceOf(StopWouldTriggerException.class);
            });
  }

  /** {@code n} close-position stops on ETHUSDT placed by hand, far below its mark. */
  private void placeStopsByHandOnEth(int n) {
    for (int i = 0; i < n; i++) {
      venue.placeAlgoByHand(
          Map.of(
              "symbol", "ETHUSDT",
              "side", "SELL",
              "type", "STOP_MARKET",
              "triggerPrice", "2000.00",
              "closePosition", "true",
              "clientAlgoId", "web-" + i));
    }
  }

  @Test
  void stopLoss_beyondTheAccountsOpenAlgoOrderLimit_isRejectedWith4045_andNothingIsPlaced() {
    gateway.placeMarketOrder(buy("0.010", "entry-cap"));
    // 200 conditional orders placed by hand on another symbol fill the account-wide limit.
    placeStopsByHandOnEth(200);

    assertThatThrownBy(
            () ->
                gateway.placeStopLoss(
                    new StopLossRequest(
                        BTC,
                        PositionSide.LONG,
                        new BigDecimal("49000.0"),
                        ClientOrderId.of("sl-cap"))))
        .isInstanceOfSatisfying(
            RejectedException.class,
            e -> {
              assertThat(e.code()).isEqualTo("-4045");
              assertThat(e.reason()).contains("max stop order limit");
            });
    assertThat(venue.algosWithClientId("sl-cap")).isZero();
    assertThat(venue.openAlgoCount("BTCUSDT")).isZero();
  }

  @Test
  void aMoveAtTheLimit_isRefusedWith4045_andTheOldStopStaysWorking() {
    gateway.placeMarketOrder(buy("0.010", "entry-full"));
    StopOrder old =
        gateway.placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-full")));
    // With ours, 200 open: a move places its replacement first, so it needs a 201st for a moment.
    placeStopsByHandOnEth(199);

    StopLossRequest tighter =
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("49500.0"), ClientOrderId.of("sl-full-2"));

    assertThatThrownBy(() -> gateway.moveStopLoss(old, tighter))
        .isInstanceOfSatisfying(
            RejectedException.class, e -> assertThat(e.code()).isEqualTo("-4045"));
    assertThat(venue.algoStatus("sl-full")).hasValue("NEW");
    assertThat(venue.openStops("BTCUSDT"))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("49000.0"));
  }

  @Test
  void moveStopLoss_placesTheReplacementBeforeCancellingTheOld() {
    gateway.placeMarketOrder(buy("0.010", "entry-m"));
    StopOrder old =
        gateway.placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-old")));

    StopOrder moved =
        gateway.moveStopLoss(
            old,
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("49500.0"), ClientOrderId.of("sl-new")));

    assertThat(moved.clientId()).isEqualTo(ClientOrderId.of("sl-new"));
    assertThat(gateway.openStopLosses(BTC)).containsExactly(moved);
    assertThat(venue.algoStatus("sl-old")).hasValue("CANCELED");
    var algoCalls =
        venue.requests().stream()
            .filter(r -> r.path().equals("/fapi/v1/algoOrder"))
            .map(r -> r.method() + " " + r.params().get("clientAlgoId"))
            .toList();
    assertThat(algoCalls).containsSubsequence("POST sl-new", "DELETE sl-old");
  }

  @Test
  void cancelStopLoss_ofAStopThatIsAlreadyGone_isNotAnError() {
    gateway.placeMarketOrder(buy("0.010", "entry-g"));
    gateway.placeStopLoss(
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-g")));

    gateway.cancelStopLoss(BTC, ClientOrderId.of("sl-g"));
    gateway.cancelStopLoss(BTC, ClientOrderId.of("sl-g"));
    gateway.cancelStopLoss(BTC, ClientOrderId.of("sl-never"));

    assertThat(venue.algoStatus("sl-g")).hasValue("CANCELED");
    assertThat(gateway.openStopLosses(BTC)).isEmpty();
  }

  @Test
  void stopTriggeredByTheMark_closesThePosition() {
    gateway.placeMarketOrder(buy("0.010", "entry-x"));
    gateway.placeStopLoss(
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-x")));

    venue.setMarkPrice(BTC, new BigDecimal("48990.00"));

    assertThat(venue.positionAmount("BTCUSDT")).isZero();
    assertThat(venue.algoStatus("sl-x")).hasValue("FINISHED");
    assertThat(gateway.positions().find(BTC)).isEmpty();
  }

  @Test
  void positions_areCompleteSignedAndWithoutFlatRows() {
    gateway.placeMarketOrder(buy("0.010", "entry-p"));
    gateway.placeMarketOrder(
        new MarketOrderRequest(
            ETH, Side.SELL, new BigDecimal("0.500"), ClientOrderId.of("entry-e"), false));
    // A flat symbol that still has an open stop is listed by v3 with positionAmt 0.
    gateway.placeStopLoss(
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-p")));
    venue.setMarkPrice("DOGEUSDT", new BigDecimal("0.13855"));
    venue.seedPosition("DOGEUSDT", new BigDecimal("100"), new BigDecimal("0.13855"));
    venue.closeExternally("DOGEUSDT");

    PositionSnapshot snapshot = gateway.positions();

    assertThat(snapshot).isInstanceOf(PositionSnapshot.Complete.class);
    assertThat(snapshot.positions())
        .extracting(ExchangePosition::symbol, p -> p.signedSize().toPlainString())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(BTC, "0.010"),
            org.assertj.core.groups.Tuple.tuple(ETH, "-0.500"));
    assertThat(snapshot.find(ETH).orElseThrow().entryPrice()).isEqualByComparingTo("3000");
  }

  @Test
  void openingOrderId_isTheRealOrderThatOpenedThePosition_fromTheTradeHistory() {
    OrderReport opening = gateway.placeMarketOrder(buy("0.010", "open-1"));
    gateway.placeMarketOrder(buy("0.005", "add-1"));
    long seeded =
        venue.seedPosition("ETHUSDT", new BigDecimal("-1.000"), new BigDecimal("3000.00"));

    assertThat(gateway.openingOrderId(BTC, PositionSide.LONG)).contains(opening.orderId());
    assertThat(gateway.openingOrderId(ETH, PositionSide.SHORT))
        .contains(ExchangeOrderId.of(seeded));
    assertThat(gateway.openingOrderId(BTC, PositionSide.SHORT)).isEmpty();
    assertThat(gateway.openingOrderId(Symbol.of("DOGEUSDT"), PositionSide.LONG)).isEmpty();
  }

  @Test
  void openingOrderId_afterAFlip_isTheOrderThatCrossedZero() {
    gateway.placeMarketOrder(buy("0.010", "long-1"));
    OrderReport flip =
        gateway.placeMarketOrder(
            new MarketOrderRequest(
                BTC, Side.SELL, new BigDecimal("0.030"), ClientOrderId.of("flip-1"), false));

    assertThat(gateway.openingOrderId(BTC, PositionSide.SHORT)).contains(flip.orderId());
  }

  @Test
  void markPrice_andServerTime_comeFromTheVenue() {
    assertThat(gateway.markPrice(BTC).price()).isEqualByComparingTo("50000");
    Instant server = gateway.serverTime();
    assertThat(Duration.between(server, Instant.now()).abs()).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void anOrderIdAbove2pow53_survivesTheRoundTripExactly() {
    OrderReport report = gateway.placeMarketOrder(buy("0.010", "big-id"));
    Optional<OrderReport> queried = gateway.queryOrder(BTC, ClientOrderId.of("big-id"));

    assertThat(queried).map(OrderReport::orderId).contains(report.orderId());
    assertThat(report.orderId().value()).isEqualTo("8389766058155948588");
  }
}
