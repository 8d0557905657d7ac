package io.positionkeeper.ports.fake;

import static io.positionkeeper.ports.fake.FakeVenue.BTC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The venue rules of the Binance and Bybit flavours, and an order that lands late. */
class FakeExchangeFlavoursTest {
  private FakeVenue venue;
  private FakeExchange exchange;
  private final List<StreamEvent> received = new ArrayList<>();

  @BeforeEach
  void setUp() {
    venue = new FakeVenue();
    exchange = venue.exchange;
    exchange.setMarkPrice(BTC, new BigDecimal("64000"));
    exchange.start(received::add);
  }

  private MarketOrderRequest buy(String id) {
    return new MarketOrderRequest(
        BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of(id), false);
  }

  private StopLossRequest stop(String id, String trigger) {
    return new StopLossRequest(
        BTC, PositionSide.LONG, new BigDecimal(trigger), ClientOrderId.of(id));
  }

  @Test
  void binance_aMoveWhoseCancelHalfFails_leavesBothStopsWorking_andSaysSo() {
    exchange.flavour(FakeExchange.Flavour.BINANCE);
    exchange.placeMarketOrder(buy("e1"));
    StopOrder first = exchange.placeStopLoss(stop("s1", "62000"));
    exchange.faults().failNext(FakeExchange.Op.CANCEL_STOP, new RetryableException("503"));

    assertThatThrownBy(() -> exchange.moveStopLoss(first, stop("s2", "63000")))
        .isInstanceOf(RetryableException.class);

    assertThat(exchange.workingStops(BTC)).hasSize(2);
  }

  @Test
  void classic_aMoveIsOneCall_aCancelFaultWaitsForTheNextCancel() {
    exchange.placeMarketOrder(buy("e1"));
    StopOrder first = exchange.placeStopLoss(stop("s1", "62000"));
    exchange.faults().failNext(FakeExchange.Op.CANCEL_STOP, new RetryableException("503"));

    exchange.moveStopLoss(first, stop("s2", "63000"));

    assertThat(exchange.workingStops(BTC)).hasSize(1);
  }

  @Test
  void binance_aStopStaysAfterItsPositionIsClosedByHand() {
    exchange.flavour(FakeExchange.Flavour.BINANCE);
    exchange.placeMarketOrder(buy("e1"));
    exchange.placeStopLoss(stop("s1", "62000"));

    exchange.closeExternally(BTC);

    assertThat(exchange.workingStops(BTC)).hasSize(1);
  }

  @Test
  void bybit_aMoveAmendsTheOneStopInPlace_underItsId() {
    exchange.flavour(FakeExchange.Flavour.BYBIT);
    exchange.placeMarketOrder(buy("e1"));
    StopOrder first = exchange.placeStopLoss(stop("s1", "62000"));

    StopOrder moved = exchange.moveStopLoss(first, stop("s2", "63000"));

    assertThat(moved.clientId()).isEqualTo(first.clientId());
    assertThat(exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("63000"));
    assertThat(exchange.allStops()).hasSize(1);
  }

  @Test
  void bybit_placingASecondStop_replacesTheFirst() {
    exchange.flavour(FakeExchange.Flavour.BYBIT);
    exchange.placeMarketOrder(buy("e1"));
    exchange.placeStopLoss(stop("s1", "62000"));

    exchange.placeStopLoss(stop("s2", "62500"));

    assertThat(exchange.workingStops(BTC))
        .singleElement()
        .satisfies(s -> assertThat(s.clientId()).isEqualTo(ClientOrderId.of("s2")));
  }

  @Test
  void bybit_refusesAStopWithoutAPositionOnItsSide() {
    exchange.flavour(FakeExchange.Flavour.BYBIT);

    assertThatThrownBy(() -> exchange.placeStopLoss(stop("s0", "62000")))
        .isInstanceOf(RejectedException.class)
        .hasMessageContaining("zero position");
    exchange.placeMarketOrder(buy("e1"));
    exchange.closeExternally(BTC);
    assertThatThrownBy(() -> exchange.placeStopLoss(stop("s1", "62000")))
        .isInstanceOf(RejectedException.class);

    assertThat(exchange.allStops()).isEmpty();
  }

  @Test
  void bybit_theStopGoesWithItsPosition() {
    exchange.flavour(FakeExchange.Flavour.BYBIT);
    exchange.placeMarketOrder(buy("e1"));
    exchange.placeStopLoss(stop("s1", "62000"));

    exchange.closeExternally(BTC);

    assertThat(exchange.workingStops(BTC)).isEmpty();
    assertThat(exchange.allStops().get(0).status()).isEqualTo(StopStatus.EXPIRED);
  }

  @Test
  void anOrderInDoubt_isUnknownUntilItLands_neverAbsent_andNeverSentTwice() {
    exchange.nextOrderLandsAfter(Duration.ofSeconds(3));

    assertThatThrownBy(() -> exchange.placeMarketOrder(buy("e1")))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThatThrownBy(() -> exchange.queryOrder(BTC, ClientOrderId.of("e1")))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThatThrownBy(() -> exchange.placeMarketOrder(buy("e1")))
        .isInstanceOf(OutcomeUnknownException.class);
    assertThat(exchange.positionSize(BTC)).isZero();
    venue.clock.advance(Duration.ofSeconds(3));

    assertThat(exchange.queryOrder(BTC, ClientOrderId.of("e1"))).isPresent();
    assertThat(exchange.positionSize(BTC)).isEqualByComparingTo("0.010");
  }
}
