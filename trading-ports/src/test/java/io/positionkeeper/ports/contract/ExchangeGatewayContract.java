package io.positionkeeper.ports.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StopWouldTriggerException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ExchangeGateway} promises, run against the fake exchange and against each
 * venue's emulator. Subclasses create a fresh venue per test in their own {@code @BeforeEach}.
 */
public abstract class ExchangeGatewayContract {

  private static final AtomicInteger IDS = new AtomicInteger();

  /** The gateway under test, talking to the venue of {@link #venue()}. */
  protected abstract ExchangeGateway gateway();

  /** Control of the venue behind the gateway. */
  protected abstract VenueDriver venue();

  private Symbol symbol() {
    return venue().symbol();
  }

  private static ClientOrderId newId(String prefix) {
    return ClientOrderId.of(
        prefix + "-" + System.nanoTime() % 1_000_000_000 + "-" + IDS.incrementAndGet());
  }

  private OrderReport openLong() {
    venue().setMarkPrice(symbol(), venue().startPrice());
    return gateway()
        .placeMarketOrder(
            new MarketOrderRequest(
                symbol(), Side.BUY, venue().orderQuantity(), newId("open"), false));
  }

  /** A trigger below the mark (a long's stop), on the tick. */
  private BigDecimal stopBelow(BigDecimal fraction) {
    InstrumentRules rules = gateway().instrument(symbol());
    BigDecimal raw = venue().startPrice().multiply(BigDecimal.ONE.subtract(fraction));
    return raw.divide(rules.tickSize(), 0, RoundingMode.DOWN).multiply(rules.tickSize());
  }

  private Optional<ExchangePosition> openRow(PositionSnapshot snapshot) {
    return snapshot.positions().stream()
        .filter(p -> p.symbol().equals(symbol()) && !p.isFlat())
        .findFirst();
  }

  @Test
  void instruments_listTheSymbol_withPositiveTickAndStep() {
    assertThat(gateway().instruments()).anySatisfy(r -> assertThat(r.symbol()).isEqualTo(symbol()));
    InstrumentRules rules = gateway().instrument(symbol());
    assertThat(rules.tickSize()).isPositive();
    assertThat(rules.stepSize()).isPositive();
  }

  @Test
  void instrument_ofAnUnlistedSymbol_isRejected() {
    assertThatThrownBy(() -> gateway().instrument(Symbol.of("NOSUCHCOIN9USDT")))
        .isInstanceOf(RejectedException.class);
  }

  @Test
  void marketOrder_fillsAtTheMark_andThePositionIsInACompleteSnapshot() {
    OrderReport report = openLong();
    OrderReport order =
        report.status() == OrderStatus.FILLED
            ? report
            : gateway().queryOrder(symbol(), report.clientOrderId()).orElseThrow();

    assertThat(order.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(order.filledQuantity()).isEqualByComparingTo(venue().orderQuantity());
    assertThat(order.averagePrice()).isPositive();
    PositionSnapshot snapshot = gateway().positions();
    assertThat(snapshot).isInstanceOf(PositionSnapshot.Complete.class);
    ExchangePosition row = openRow(snapshot).orElseThrow();
    assertThat(row.signedSize()).isEqualByComparingTo(venue().orderQuantity());
    assertThat(row.side()).contains(PositionSide.LONG);
  }

  @Test
  void marketOrder_sentTwiceWithTheSameClientId_createsOneOrder() {
    venue().setMarkPrice(symbol(), venue().startPrice());
    var request =
        new MarketOrderRequest(symbol(), Side.BUY, venue().orderQuantity(), newId("dup"), false);

    OrderReport first = gateway().placeMarketOrder(request);
    OrderReport second = gateway().placeMarketOrder(request);

    assertThat(second.orderId()).isEqualTo(first.orderId());
    assertThat(openRow(gateway().positions()).orElseThrow().signedSize())
        .isEqualByComparingTo(venue().orderQuantity());
  }

  @Test
  void queryOrder_ofAnUnknownClientId_isEmpty() {
    venue().setMarkPrice(symbol(), venue().startPrice());
    assertThat(gateway().queryOrder(symbol(), newId("never"))).isEmpty();
  }

  @Test
  void queryOrder_afterAFill_reportsTheFill() {
    OrderReport placed = openLong();

    OrderReport queried = gateway().queryOrder(symbol(), placed.clientOrderId()).orElseThrow();

    assertThat(queried.orderId()).isEqualTo(placed.orderId());
    assertThat(queried.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(queried.filledQuantity()).isEqualByComparingTo(venue().orderQuantity());
  }

  @Test
  void reduceOnlyOrder_closesThePosition() {
    openLong();

    gateway()
        .placeMarketOrder(
            new MarketOrderRequest(
                symbol(), Side.SELL, venue().orderQuantity(), newId("close"), true));

    assertThat(openRow(gateway().positions())).isEmpty();
  }

  @Test
  void stopLoss_isListedWhilePlaced_andGoneOnceCancelled_andCancellingAgainIsNoError() {
    openLong();
    ClientOrderId stopId = newId("sl");
    StopOrder stop =
        gateway()
            .placeStopLoss(
                new StopLossRequest(
                    symbol(), PositionSide.LONG, stopBelow(new BigDecimal("0.05")), stopId));

    assertThat(stop.clientId()).isEqualTo(stopId);
    assertThat(gateway().openStopLosses(symbol()))
        .extracting(StopOrder::clientId)
        .containsExactly(stopId);

    gateway().cancelStopLoss(symbol(), stopId);
    assertThat(gateway().openStopLosses(symbol())).isEmpty();
    gateway().cancelStopLoss(symbol(), stopId);
  }

  @Test
  void allOpenStopLosses_listsTheWorkingStopAsThePerSymbolRead_andNotOnceCancelled() {
    openLong();
    ClientOrderId stopId = newId("sl");
    BigDecimal trigger = stopBelow(new BigDecimal("0.05"));
    gateway().placeStopLoss(new StopLossRequest(symbol(), PositionSide.LONG, trigger, stopId));

    assertThat(gateway().allOpenStopLosses())
        .filteredOn(s -> s.symbol().equals(symbol()))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s).isEqualTo(gateway().openStopLosses(symbol()).get(0));
              assertThat(s.clientId()).isEqualTo(stopId);
              assertThat(s.positionSide()).isEqualTo(PositionSide.LONG);
              assertThat(s.triggerPrice()).isEqualByComparingTo(trigger);
            });

    gateway().cancelStopLoss(symbol(), stopId);
    assertThat(gateway().allOpenStopLosses()).noneMatch(s -> s.symbol().equals(symbol()));
  }

  @Test
  void stopLoss_sentTwiceWithTheSameClientId_placesOneStop_andAfterItsCancelTheIdIsRefused() {
    openLong();
    StopLossRequest request =
        new StopLossRequest(
            symbol(), PositionSide.LONG, stopBelow(new BigDecimal("0.05")), newId("sl"));

    StopOrder first = gateway().placeStopLoss(request);
    StopOrder second = gateway().placeStopLoss(request);

    assertThat(second.clientId()).isEqualTo(first.clientId());
    assertThat(second.orderId()).isEqualTo(first.orderId());
    assertThat(gateway().openStopLosses(symbol())).hasSize(1);
    gateway().cancelStopLoss(symbol(), request.clientId());
    assertThatThrownBy(() -> gateway().placeStopLoss(request))
        .isInstanceOf(RejectedException.class);
    assertThat(gateway().openStopLosses(symbol())).isEmpty();
  }

  @Test
  void marketOrder_withTheIdOfAFilledOrderButAnotherSide_isRejected_andSendsNothing() {
    OrderReport opened = openLong();

    assertThatThrownBy(
            () ->
                gateway()
                    .placeMarketOrder(
                        new MarketOrderRequest(
                            symbol(),
                            Side.SELL,
                            venue().orderQuantity(),
                            opened.clientOrderId(),
                            true)))
        .isInstanceOf(RejectedException.class);
    assertThat(openRow(gateway().positions()).orElseThrow().signedSize())
        .isEqualByComparingTo(venue().orderQuantity());
  }

  @Test
  void moveStopLoss_leavesOnlyTheReplacementWorking_atItsTrigger() {
    openLong();
    StopOrder first =
        gateway()
            .placeStopLoss(
                new StopLossRequest(
                    symbol(), PositionSide.LONG, stopBelow(new BigDecimal("0.05")), newId("sl")));
    BigDecimal tighter = stopBelow(new BigDecimal("0.02"));
    ClientOrderId replacementId = newId("sl");

    StopOrder moved =
        gateway()
            .moveStopLoss(
                first, new StopLossRequest(symbol(), PositionSide.LONG, tighter, replacementId));

    assertThat(moved.triggerPrice()).isEqualByComparingTo(tighter);
    assertThat(gateway().openStopLosses(symbol()))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.clientId()).isEqualTo(moved.clientId());
              assertThat(s.triggerPrice()).isEqualByComparingTo(tighter);
            });
  }

  @Test
  void stopLoss_thatWouldTriggerImmediately_isRefusedAsACrossing_andNoStopWorks() {
    openLong();
    BigDecimal aboveMark =
        venue().startPrice().multiply(new BigDecimal("1.10")).setScale(0, RoundingMode.UP);

    // The venue's mark is already beyond the trigger: the caller must be able to tell this
    // refusal from the others, since it means the position is past the stop's level.
    assertThatThrownBy(
            () ->
                gateway()
                    .placeStopLoss(
                        new StopLossRequest(symbol(), PositionSide.LONG, aboveMark, newId("sl"))))
        .isInstanceOf(StopWouldTriggerException.class);
    assertThat(gateway().openStopLosses(symbol())).isEmpty();
  }

  @Test
  void moveStopLoss_toATriggerTheMarkAlreadyCrossed_isRefusedAsACrossing_andTheOldStopStays() {
    openLong();
    BigDecimal below = stopBelow(new BigDecimal("0.05"));
    StopOrder first =
        gateway()
            .placeStopLoss(new StopLossRequest(symbol(), PositionSide.LONG, below, newId("sl")));
    BigDecimal aboveMark =
        venue().startPrice().multiply(new BigDecimal("1.10")).setScale(0, RoundingMode.UP);

    assertThatThrownBy(
            () ->
                gateway()
                    .moveStopLoss(
                        first,
                        new StopLossRequest(symbol(), PositionSide.LONG, aboveMark, newId("sl"))))
        .isInstanceOf(StopWouldTriggerException.class);
    assertThat(gateway().openStopLosses(symbol()))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo(below));
  }

  @Test
  void stopLoss_closesThePosition_whenTheMarkCrossesItsTrigger() {
    openLong();
    BigDecimal trigger = stopBelow(new BigDecimal("0.05"));
    gateway().placeStopLoss(new StopLossRequest(symbol(), PositionSide.LONG, trigger, newId("sl")));

    venue().setMarkPrice(symbol(), trigger.multiply(new BigDecimal("0.99")));

    assertThat(openRow(gateway().positions())).isEmpty();
    assertThat(gateway().openStopLosses(symbol())).isEmpty();
  }

  @Test
  void openingOrderId_isTheOrderThatOpenedThePosition() {
    OrderReport opened = openLong();

    assertThat(gateway().openingOrderId(symbol(), PositionSide.LONG)).contains(opened.orderId());
    assertThat(gateway().openingOrderId(symbol(), PositionSide.SHORT)).isEmpty();
  }

  @Test
  void exitSince_afterAMarketClose_showsTheClosesPriceQuantityPnlAndClientId() {
    Instant beforeOpen = gateway().serverTime().minusSeconds(1);
    openLong();
    assertThat(gateway().exitSince(symbol(), PositionSide.LONG, beforeOpen)).isEmpty();
    BigDecimal exitPrice = venue().startPrice().add(new BigDecimal("1000"));
    venue().setMarkPrice(symbol(), exitPrice);
    ClientOrderId closeId = newId("close");

    gateway()
        .placeMarketOrder(
            new MarketOrderRequest(symbol(), Side.SELL, venue().orderQuantity(), closeId, true));

    PositionExit exit = gateway().exitSince(symbol(), PositionSide.LONG, beforeOpen).orElseThrow();
    assertThat(exit.symbol()).isEqualTo(symbol());
    assertThat(exit.side()).isEqualTo(PositionSide.LONG);
    assertThat(exit.quantity()).isEqualByComparingTo(venue().orderQuantity());
    assertThat(exit.averagePrice()).isEqualByComparingTo(exitPrice);
    assertThat(exit.realizedPnl())
        .isEqualByComparingTo(new BigDecimal("1000").multiply(venue().orderQuantity()));
    assertThat(exit.closingClientId()).contains(closeId);
    assertThat(exit.time()).isAfter(beforeOpen);
    assertThat(gateway().exitSince(symbol(), PositionSide.SHORT, beforeOpen)).isEmpty();
  }

  @Test
  void exitSince_isTheFirstPositionsExitOnly_notALaterPositionsOnTheSameSide() {
    Instant beforeOpen = gateway().serverTime().minusSeconds(1);
    openLong();
    BigDecimal firstExit = venue().startPrice().add(new BigDecimal("1000"));
    venue().setMarkPrice(symbol(), firstExit);
    ClientOrderId firstClose = newId("close");
    gateway()
        .placeMarketOrder(
            new MarketOrderRequest(symbol(), Side.SELL, venue().orderQuantity(), firstClose, true));
    openLong();
    venue().setMarkPrice(symbol(), venue().startPrice().add(new BigDecimal("3000")));
    gateway()
        .placeMarketOrder(
            new MarketOrderRequest(
                symbol(), Side.SELL, venue().orderQuantity(), newId("close"), true));

    PositionExit exit = gateway().exitSince(symbol(), PositionSide.LONG, beforeOpen).orElseThrow();

    assertThat(exit.quantity()).isEqualByComparingTo(venue().orderQuantity());
    assertThat(exit.averagePrice()).isEqualByComparingTo(firstExit);
    assertThat(exit.closingClientId()).contains(firstClose);
  }

  @Test
  void exitSince_theTimeOfTheClose_isEmpty() {
    Instant beforeOpen = gateway().serverTime().minusSeconds(1);
    openLong();
    gateway()
        .placeMarketOrder(
            new MarketOrderRequest(
                symbol(), Side.SELL, venue().orderQuantity(), newId("close"), true));
    Instant closedAt =
        gateway().exitSince(symbol(), PositionSide.LONG, beforeOpen).orElseThrow().time();

    assertThat(gateway().exitSince(symbol(), PositionSide.LONG, closedAt)).isEmpty();
  }

  @Test
  void markPrice_isTheVenuesMark() {
    BigDecimal mark = venue().startPrice().add(BigDecimal.ONE);
    venue().setMarkPrice(symbol(), mark);

    assertThat(gateway().markPrice(symbol()).price()).isEqualByComparingTo(mark);
  }
}
