package io.positionkeeper.ports.fake;

import static io.positionkeeper.ports.fake.FakeVenue.BTC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeExchangeKnobsTest {
  private FakeVenue venue;
  private FakeExchange exchange;
  private final List<StreamEvent> received = new ArrayList<>();

  @BeforeEach
  void setUp() {
    venue = new FakeVenue();
    exchange = venue.exchange;
    exchange.setMarkPrice(BTC, new BigDecimal("64000"));
    exchange.start(received::add);
    received.clear();
  }

  private MarketOrderRequest buy(String id) {
    return new MarketOrderRequest(
        BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of(id), false);
  }

  @Test
  void struck_countsFaultsThatMetACall_notFaultsStillPlanned() {
    exchange
        .faults()
        .failNext(FakeExchange.Op.PLACE_ORDER, new RetryableException("503"))
        .failNext(
            FakeExchange.Op.POSITIONS,
            new OutcomeUnknownException("timeout"),
            FaultKnobs.When.AFTER_EFFECT);
    assertThat(exchange.faults().struck()).isZero();

    assertThatThrownBy(() -> exchange.placeMarketOrder(buy("a1")))
        .isInstanceOf(RetryableException.class);
    exchange.placeMarketOrder(buy("a2"));

    assertThat(exchange.faults().struck()).isEqualTo(1);
    assertThatThrownBy(exchange::positions).isInstanceOf(OutcomeUnknownException.class);
    assertThat(exchange.faults().struck()).isEqualTo(2);
  }

  @Test
  void plannedStruck_countsSingleFaultsOnly_notTheCallsOfAStandingOutage() {
    exchange.faults().failAlways(FakeExchange.Op.POSITIONS, new RetryableException("down"));
    assertThatThrownBy(exchange::positions).isInstanceOf(RetryableException.class);
    assertThatThrownBy(exchange::positions).isInstanceOf(RetryableException.class);
    exchange.faults().failNext(FakeExchange.Op.PLACE_ORDER, new RetryableException("503"));
    assertThatThrownBy(() -> exchange.placeMarketOrder(buy("a1")))
        .isInstanceOf(RetryableException.class);

    assertThat(exchange.faults().struck()).isEqualTo(3);
    assertThat(exchange.faults().plannedStruck()).isEqualTo(1);
  }

  @Test
  void failNext_beforeEffect_placesNothing() {
    exchange
        .faults()
        .failNext(
            FakeExchange.Op.PLACE_ORDER, new RejectedException("-2019", "Margin is insufficient."));

    assertThatThrownBy(() -> exchange.placeMarketOrder(buy("a1")))
        .isInstanceOf(RejectedException.class);
    assertThat(exchange.orders()).isEmpty();
    assertThat(exchange.positionSize(BTC)).isZero();
  }

  @Test
  void failNext_afterEffect_fillsTheOrderButLosesTheResponse() {
    exchange
        .faults()
        .failNext(
            FakeExchange.Op.PLACE_ORDER,
            new OutcomeUnknownException("read timed out"),
            FaultKnobs.When.AFTER_EFFECT);

    assertThatThrownBy(() -> exchange.placeMarketOrder(buy("a1")))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThat(exchange.queryOrder(BTC, ClientOrderId.of("a1")))
        .hasValueSatisfying(o -> assertThat(o.status()).isEqualTo(OrderStatus.FILLED));
    assertThat(exchange.positionSize(BTC)).isEqualByComparingTo("0.010");
  }

  @Test
  void failAfter_letsNCallsThrough_thenFailsEveryCall() {
    exchange.faults().failAfter(FakeExchange.Op.MARK_PRICE, 2, new RetryableException("503"));

    exchange.markPrice(BTC);
    exchange.markPrice(BTC);
    assertThatThrownBy(() -> exchange.markPrice(BTC)).isInstanceOf(RetryableException.class);
    assertThatThrownBy(() -> exchange.markPrice(BTC)).isInstanceOf(RetryableException.class);
    assertThat(exchange.faults().calls(FakeExchange.Op.MARK_PRICE)).isEqualTo(4);
  }

  @Test
  void delay_advancesTheManualClock_andStreamEventsArriveBeforeTheResponse() {
    exchange.faults().delay(FakeExchange.Op.PLACE_ORDER, Duration.ofMillis(50));
    exchange.delayStream(Duration.ofMillis(1));
    var before = venue.clock.now();
    received.clear();

    exchange.placeMarketOrder(buy("a1"));

    assertThat(venue.clock.now()).isEqualTo(before.plusMillis(50));
    assertThat(received).isNotEmpty();
    assertThat(exchange.deliveredEvents()).anyMatch(e -> e instanceof StreamEvent.PositionChanged);
  }

  @Test
  void ackMode_reportsNew_whileTheFillArrivesOnTheStream() {
    exchange.responseMode(FakeExchange.ResponseMode.ACK);

    var report = exchange.placeMarketOrder(buy("a1"));

    assertThat(report.status()).isEqualTo(OrderStatus.NEW);
    assertThat(report.filledQuantity()).isZero();
    assertThat(received)
        .filteredOn(e -> e instanceof StreamEvent.OrderChanged)
        .singleElement()
        .satisfies(
            e -> assertThat(((StreamEvent.OrderChanged) e).status()).isEqualTo(OrderStatus.FILLED));
  }

  @Test
  void dropNext_losesTheEventOfThatType_only() {
    exchange.dropNext(StreamEvent.PositionChanged.class, 1);

    exchange.placeMarketOrder(buy("a1"));

    assertThat(received).noneMatch(e -> e instanceof StreamEvent.PositionChanged);
    assertThat(received).anyMatch(e -> e instanceof StreamEvent.OrderChanged);
  }

  @Test
  void holdAndReleaseReversed_reordersEvents() {
    exchange.holdStream();
    exchange.placeMarketOrder(buy("a1"));
    assertThat(received).isEmpty();

    exchange.releaseHeldReversed();

    assertThat(received).hasSize(2);
    assertThat(received.get(0)).isInstanceOf(StreamEvent.PositionChanged.class);
    assertThat(received.get(1)).isInstanceOf(StreamEvent.OrderChanged.class);
  }

  @Test
  void partialFill_fillsPartOfTheOrder_andExpiresTheRest() {
    exchange.fillNextPartially(new BigDecimal("0.5"));

    var report = exchange.placeMarketOrder(buy("a1"));

    assertThat(report.status()).isEqualTo(OrderStatus.EXPIRED);
    assertThat(report.filledQuantity()).isEqualByComparingTo("0.005");
    assertThat(exchange.positionSize(BTC)).isEqualByComparingTo("0.005");
  }

  @Test
  void stopTrigger_emitsTheVenuesSequence_andFlattensThePosition() {
    exchange.placeMarketOrder(buy("a1"));
    exchange.placeStopLoss(
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("63000.0"), ClientOrderId.of("sl1")));
    received.clear();

    exchange.setMarkPrice(BTC, new BigDecimal("62990"));

    assertThat(received)
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("StopChanged", "OrderChanged", "PositionChanged", "StopChanged");
    assertThat(((StreamEvent.StopChanged) received.get(3)).status()).isEqualTo(StopStatus.FILLED);
    assertThat(((StreamEvent.OrderChanged) received.get(1)).realizedPnl())
        .isEqualByComparingTo("-10.100");
    assertThat(exchange.positionSize(BTC)).isZero();
  }

  private StopLossRequest stop(String id) {
    return new StopLossRequest(
        BTC, PositionSide.LONG, new BigDecimal("63000.0"), ClientOrderId.of(id));
  }

  @Test
  void stopDoubt_anAmbiguousStopThatDidNotLand_isUnknownUntilItsAbsenceIsProven() {
    exchange.stopDoubtProvenAbsentAfter(3, Duration.ofSeconds(10));
    exchange.placeMarketOrder(buy("a1"));
    exchange.faults().failNext(FakeExchange.Op.PLACE_STOP, new OutcomeUnknownException("503"));
    assertThatThrownBy(() -> exchange.placeStopLoss(stop("sl1")))
        .isInstanceOf(OutcomeUnknownException.class);

    // Three reads, but not yet 10 s: still unknown.
    for (int read = 1; read <= 3; read++) {
      venue.clock.advance(Duration.ofSeconds(1));
      assertThatThrownBy(() -> exchange.openStopLosses(BTC))
          .isInstanceOf(OutcomeUnknownException.class)
          .hasMessageContaining("sl1");
    }
    assertThatThrownBy(() -> exchange.allOpenStopLosses())
        .isInstanceOf(OutcomeUnknownException.class);
    venue.clock.advance(Duration.ofSeconds(7));

    assertThat(exchange.openStopLosses(BTC)).isEmpty();
    assertThat(exchange.openStopLosses(BTC)).isEmpty(); // settled: no longer in doubt
  }

  @Test
  void stopDoubt_anAmbiguousStopThatLanded_isListedAtOnce() {
    exchange.stopDoubtProvenAbsentAfter(3, Duration.ofSeconds(10));
    exchange.placeMarketOrder(buy("a1"));
    exchange
        .faults()
        .failNext(
            FakeExchange.Op.PLACE_STOP,
            new OutcomeUnknownException("timeout"),
            FaultKnobs.When.AFTER_EFFECT);
    assertThatThrownBy(() -> exchange.placeStopLoss(stop("sl1")))
        .isInstanceOf(OutcomeUnknownException.class);

    assertThat(exchange.openStopLosses(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.clientId()).isEqualTo(ClientOrderId.of("sl1")));
  }

  @Test
  void stopDoubt_isOffUnlessAskedFor() {
    exchange.placeMarketOrder(buy("a1"));
    exchange.faults().failNext(FakeExchange.Op.PLACE_STOP, new OutcomeUnknownException("503"));
    assertThatThrownBy(() -> exchange.placeStopLoss(stop("sl1")))
        .isInstanceOf(OutcomeUnknownException.class);

    assertThat(exchange.openStopLosses(BTC)).isEmpty();
  }

  @Test
  void exitSince_afterAStopFired_namesTheStopsClientId() {
    Instant before = venue.clock.now();
    venue.clock.advance(Duration.ofSeconds(1));
    exchange.placeMarketOrder(buy("a1"));
    exchange.placeStopLoss(
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("63000.0"), ClientOrderId.of("sl1")));

    exchange.setMarkPrice(BTC, new BigDecimal("62990"));

    var exit = exchange.exitSince(BTC, PositionSide.LONG, before).orElseThrow();
    assertThat(exit.closingClientId()).contains(ClientOrderId.of("sl1"));
    assertThat(exit.averagePrice()).isEqualByComparingTo("62990");
    assertThat(exit.realizedPnl()).isEqualByComparingTo("-10.100");
  }

  @Test
  void exitSince_afterAnExternalClose_hasTheMarkAndNoClientId() {
    Instant before = venue.clock.now();
    venue.clock.advance(Duration.ofSeconds(1));
    exchange.placeMarketOrder(buy("a1"));
    exchange.setMarkPrice(BTC, new BigDecimal("65000"));

    exchange.closeExternally(BTC);

    var exit = exchange.exitSince(BTC, PositionSide.LONG, before).orElseThrow();
    assertThat(exit.quantity()).isEqualByComparingTo("0.010");
    assertThat(exit.averagePrice()).isEqualByComparingTo("65000");
    assertThat(exit.realizedPnl()).isEqualByComparingTo("10");
    assertThat(exit.closingClientId()).isEmpty();
  }

  @Test
  void exitSince_takesPartialClosesTogether_andCountsOnlyTheReducingPartOfAFlip() {
    Instant before = venue.clock.now();
    venue.clock.advance(Duration.ofSeconds(1));
    exchange.placeMarketOrder(
        new MarketOrderRequest(
            BTC, Side.BUY, new BigDecimal("0.030"), ClientOrderId.of("o"), false));
    exchange.setMarkPrice(BTC, new BigDecimal("65000"));
    exchange.placeMarketOrder(
        new MarketOrderRequest(
            BTC, Side.SELL, new BigDecimal("0.010"), ClientOrderId.of("c1"), true));
    venue.clock.advance(Duration.ofSeconds(1));
    exchange.setMarkPrice(BTC, new BigDecimal("66000"));
    Instant flippedAt = venue.clock.now();
    // Sells the remaining 0.020 of the long and opens a 0.010 short in one order.
    exchange.placeMarketOrder(
        new MarketOrderRequest(
            BTC, Side.SELL, new BigDecimal("0.030"), ClientOrderId.of("flip"), false));

    var exit = exchange.exitSince(BTC, PositionSide.LONG, before).orElseThrow();
    assertThat(exit.quantity()).isEqualByComparingTo("0.030");
    // (0.010 * 65000 + 0.020 * 66000) / 0.030
    assertThat(exit.averagePrice()).isEqualByComparingTo("65666.66666666666666666666666666667");
    assertThat(exit.realizedPnl()).isEqualByComparingTo("50");
    assertThat(exit.closingClientId()).contains(ClientOrderId.of("flip"));
    assertThat(exit.time()).isEqualTo(flippedAt);
    assertThat(exchange.exitSince(BTC, PositionSide.SHORT, before)).isEmpty();
    assertThat(exchange.positionSize(BTC)).isEqualByComparingTo("-0.010");
  }

  @Test
  void exitSince_forgetsFillsOlderThanTheTradeHistory() {
    Instant before = venue.clock.now();
    venue.clock.advance(Duration.ofSeconds(1));
    exchange.tradeHistory(Duration.ofDays(7));
    exchange.placeMarketOrder(buy("a1"));
    exchange.placeMarketOrder(
        new MarketOrderRequest(
            BTC, Side.SELL, new BigDecimal("0.010"), ClientOrderId.of("c1"), true));
    venue.clock.advance(Duration.ofDays(7).plusMillis(1));

    assertThat(exchange.exitSince(BTC, PositionSide.LONG, before)).isEmpty();
  }

  @Test
  void exitSince_failsAsTheKnobSays() {
    exchange
        .faults()
        .failNext(FakeExchange.Op.EXIT_SINCE, new RetryableException("trade history unavailable"));

    assertThatThrownBy(() -> exchange.exitSince(BTC, PositionSide.LONG, venue.clock.now()))
        .isInstanceOf(RetryableException.class);
  }

  @Test
  void incompleteSnapshot_isSaidToBeIncomplete() {
    exchange.placeMarketOrder(buy("a1"));
    exchange.nextSnapshotIncomplete("page 2 missing");

    assertThat(exchange.positions()).isInstanceOf(PositionSnapshot.Incomplete.class);
    assertThat(exchange.positions()).isInstanceOf(PositionSnapshot.Complete.class);
  }

  /**
   * After a resync the venues send the mark of every watched symbol (Bybit's tickers snapshot,
   * Binance's markPrice@1s push), so a mark that moved while the stream was down is known again.
   */
  @Test
  void resync_pushesTheCurrentMarkOfWatchedSymbols_only() {
    exchange.watchMarkPrices(java.util.Set.of(BTC));
    exchange.disconnect("socket closed");
    exchange.setMarkPrice(BTC, new BigDecimal("63000"));
    exchange.setMarkPrice(
        io.positionkeeper.ports.model.Symbol.of("ETHUSDT"), new BigDecimal("3000"));
    received.clear();

    exchange.reconnect();

    assertThat(received).hasSize(3);
    assertThat(received.get(2))
        .isEqualTo(
            new StreamEvent.MarkPriceChanged(BTC, new BigDecimal("63000"), venue.clock.now()));
  }

  @Test
  void disconnect_stopsDelivery_andReconnectReportsResynced() {
    exchange.disconnect("socket closed");
    exchange.seedPosition(BTC, new BigDecimal("1"), new BigDecimal("60000"), Optional.empty());
    exchange.reconnect();

    assertThat(received)
        .extracting(
            e ->
                e instanceof StreamEvent.ConnectionChanged c
                    ? c.state().name()
                    : e.getClass().getSimpleName())
        .containsExactly("DISCONNECTED", "CONNECTED", "RESYNCED");
    assertThat(exchange.connectionState()).isEqualTo(ConnectionState.RESYNCED);
  }

  @Test
  void listenerCallingBackIntoTheVenue_getsThoseEventsAfterItReturns() {
    List<String> order = new ArrayList<>();
    var nested = new FakeVenue();
    nested.exchange.setMarkPrice(BTC, new BigDecimal("64000"));
    nested.exchange.start(
        e -> {
          order.add("start " + e.getClass().getSimpleName());
          if (e instanceof StreamEvent.PositionChanged p && p.signedSize().signum() > 0) {
            nested.exchange.placeStopLoss(
                new StopLossRequest(
                    BTC, PositionSide.LONG, new BigDecimal("60000.0"), ClientOrderId.of("sl")));
            nested.exchange.cancelStopLoss(BTC, ClientOrderId.of("sl"));
          }
          order.add("end " + e.getClass().getSimpleName());
        });
    order.clear();

    nested.exchange.placeMarketOrder(buy("a1"));

    assertThat(order)
        .containsExactly(
            "start OrderChanged", "end OrderChanged",
            "start PositionChanged", "end PositionChanged",
            "start StopChanged", "end StopChanged");
  }
}
