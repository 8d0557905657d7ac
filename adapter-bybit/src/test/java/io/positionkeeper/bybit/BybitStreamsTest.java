package io.positionkeeper.bybit;

import static io.positionkeeper.bybit.RecordingListener.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.StreamEvent.ConnectionChanged;
import io.positionkeeper.ports.model.StreamEvent.MarkPriceChanged;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The streams against the emulated venue: auth, topics, tickers, pings, reconnects, resync. */
class BybitStreamsTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");

  private BybitEmulator venue;
  private BybitAdapter adapter;
  private final RecordingListener listener = new RecordingListener();

  @BeforeEach
  void start() {
    venue = BybitEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
    adapter = BybitAdapter.create(venue.config(), venue.credentials());
  }

  @AfterEach
  void stop() {
    adapter.close();
    venue.close();
  }

  private void awaitResynced() {
    listener.await(ConnectionChanged.class, c -> c.state() == ConnectionState.RESYNCED);
  }

  private int resyncs() {
    return listener.count(
        e -> e instanceof ConnectionChanged c && c.state() == ConnectionState.RESYNCED);
  }

  @Test
  void afterAuthAndSubscribe_theRestResyncComesFirst_thenResynced() {
    adapter
        .gateway()
        .placeMarketOrder(
            new MarketOrderRequest(
                BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of("o-1"), false));

    adapter.streams().start(listener);
    awaitResynced();

    int positionIndex =
        listener.events.indexOf(
            listener.await(StreamEvent.PositionChanged.class, p -> p.signedSize().signum() > 0));
    int resyncedIndex =
        listener.events.indexOf(
            listener.await(ConnectionChanged.class, c -> c.state() == ConnectionState.RESYNCED));
    assertThat(positionIndex).isLessThan(resyncedIndex);
    assertThat(adapter.streams().connectionState()).isEqualTo(ConnectionState.RESYNCED);
  }

  @Test
  void anOrderAndItsStop_arriveAsOrderPositionAndStopEvents_andTheTriggerClosesThePosition() {
    adapter.streams().start(listener);
    awaitResynced();

    adapter
        .gateway()
        .placeMarketOrder(
            new MarketOrderRequest(
                BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of("o-2"), false));
    StreamEvent.OrderChanged filled =
        listener.await(StreamEvent.OrderChanged.class, o -> o.status() == OrderStatus.FILLED);
    assertThat(filled.clientOrderId()).contains(ClientOrderId.of("o-2"));
    StreamEvent.PositionChanged opened =
        listener.await(StreamEvent.PositionChanged.class, p -> p.signedSize().signum() > 0);
    assertThat(opened.entryPrice()).isEqualByComparingTo("64000");

    adapter
        .gateway()
        .placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("63000"), ClientOrderId.of("sl-s")));
    listener.await(
        StreamEvent.StopChanged.class,
        s -> s.status() == StopStatus.WORKING && s.clientId().value().equals("sl-s"));

    venue.setMarkPrice(BTC, new BigDecimal("62900"));

    listener.await(
        StreamEvent.StopChanged.class,
        s -> s.status() == StopStatus.FILLED && s.clientId().value().equals("sl-s"));
    listener.await(StreamEvent.PositionChanged.class, p -> p.signedSize().signum() == 0);
  }

  @Test
  void tickers_snapshotThenDeltas_aDeltaWithoutMarkKeepsTheLastMark() {
    adapter.streams().start(listener);
    adapter.streams().watchMarkPrices(Set.of(BTC));
    listener.await(
        MarkPriceChanged.class, m -> m.markPrice().compareTo(new BigDecimal("64000")) == 0);

    venue.pushBookOnlyDelta(BTC);
    venue.setMarkPrice(BTC, new BigDecimal("64100"));

    listener.await(
        MarkPriceChanged.class, m -> m.markPrice().compareTo(new BigDecimal("64100")) == 0);
    assertThat(listener.events)
        .filteredOn(MarkPriceChanged.class::isInstance)
        .map(e -> ((MarkPriceChanged) e).markPrice())
        .allSatisfy(p -> assertThat(p).isPositive())
        .hasSize(2);
  }

  @Test
  void aDroppedConnection_reconnectsReauthenticatesAndResyncsAgain() {
    adapter.streams().start(listener);
    awaitResynced();

    venue.dropStreams();
    listener.await(ConnectionChanged.class, c -> c.state() == ConnectionState.DISCONNECTED);

    awaitTrue("a second resync", () -> resyncs() >= 2);
    assertThat(resyncs()).isEqualTo(2);
    assertThat(venue.authenticatedStreams()).isEqualTo(1);
  }

  @Test
  void aRefusedAuth_neverReportsResynced_untilTheVenueAcceptsItAgain() {
    venue.faults().refuseAuth(true);
    adapter.streams().start(listener);
    // A second private connection means the first one's login was refused and the streams went
    // on to a new one: that refusal must not have been reported as a resync.
    awaitTrue("a login refused and a new connection", () -> venue.privateConnectionsOpened() >= 2);
    assertThat(resyncs()).isZero();
    assertThat(adapter.streams().connectionState()).isNotEqualTo(ConnectionState.RESYNCED);

    venue.faults().refuseAuth(false);

    awaitResynced();
  }

  @Test
  void aStalledVenue_isCutAfterTheStallTimeout_andTheStreamsComeBack() {
    adapter.streams().start(listener);
    awaitResynced();

    venue.faults().stall(true);
    listener.await(ConnectionChanged.class, c -> c.state() == ConnectionState.DISCONNECTED);
    venue.faults().stall(false);

    awaitTrue("a second resync", () -> resyncs() >= 2);
    assertThat(resyncs()).isEqualTo(2);
  }

  @Test
  void aTriggeredStop_isReportedAsTheReduceOnlyFillOfTheStop_underItsName() {
    adapter.streams().start(listener);
    awaitResynced();
    adapter
        .gateway()
        .placeMarketOrder(
            new MarketOrderRequest(
                BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of("o-3"), false));
    StreamEvent.OrderChanged entry =
        listener.await(StreamEvent.OrderChanged.class, o -> o.status() == OrderStatus.FILLED);
    assertThat(entry.lastFilledQuantity()).isEqualByComparingTo("0.010");
    assertThat(entry.lastFilledPrice()).isEqualByComparingTo("64000");
    adapter
        .gateway()
        .placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("63000"), ClientOrderId.of("sl-t")));

    venue.setMarkPrice(BTC, new BigDecimal("62950"));

    StreamEvent.OrderChanged exit =
        listener.await(
            StreamEvent.OrderChanged.class,
            o -> o.clientOrderId().equals(java.util.Optional.of(ClientOrderId.of("sl-t"))));
    assertThat(exit.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(exit.reduceOnly()).isTrue();
    assertThat(exit.side()).isEqualTo(Side.SELL);
    assertThat(exit.filledQuantity()).isEqualByComparingTo("0.010");
    assertThat(exit.averagePrice()).isEqualByComparingTo("62950");
    assertThat(exit.lastFilledQuantity()).isEqualByComparingTo("0.010");
    assertThat(exit.lastFilledPrice()).isEqualByComparingTo("62950");
    // The fill comes before the flat position, so whoever reads them in order knows why it ended
    // (the emulator's order across topics is inferred, see Venue.fill: the adapter keeps it).
    int exitIndex = listener.events.indexOf(exit);
    int flatIndex =
        listener.events.indexOf(
            listener.await(StreamEvent.PositionChanged.class, p -> p.signedSize().signum() == 0));
    assertThat(exitIndex).isLessThan(flatIndex);
  }

  @Test
  void aReconnect_doesNotRepeatWhatWasDelivered_andRepeatedPushesAreDeliveredOnce() {
    adapter.streams().start(listener);
    awaitResynced();
    adapter
        .gateway()
        .placeMarketOrder(
            new MarketOrderRequest(
                BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of("o-4"), false));
    listener.await(StreamEvent.PositionChanged.class, p -> p.signedSize().signum() > 0);
    // The venue pushes the position again on every amend (B5), unchanged in size and entry.
    adapter
        .gateway()
        .placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("63000"), ClientOrderId.of("sl-d")));
    listener.await(
        StreamEvent.StopChanged.class,
        s -> s.triggerPrice().compareTo(new BigDecimal("63000")) == 0);

    venue.dropStreams();
    awaitTrue("a second resync", () -> resyncs() >= 2);
    assertThat(resyncs()).isEqualTo(2);

    assertThat(
            listener.count(
                e -> e instanceof StreamEvent.PositionChanged p && p.signedSize().signum() > 0))
        .as("the open position, once: not again for the amend, not again from the resync")
        .isEqualTo(1);
    assertThat(listener.count(e -> e instanceof StreamEvent.OrderChanged)).isEqualTo(1);

    // A change made while the streams are up again is delivered.
    venue.closeByHand(BTC);
    listener.await(StreamEvent.PositionChanged.class, p -> p.signedSize().signum() == 0);
  }

  @Test
  void aRestartedInstance_namesTheStopAsTheCallerStoredIt_whenTold() {
    adapter
        .gateway()
        .placeMarketOrder(
            new MarketOrderRequest(
                BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of("o-5"), false));
    adapter
        .gateway()
        .placeStopLoss(
            new StopLossRequest(
                BTC, PositionSide.LONG, new BigDecimal("63000"), ClientOrderId.of("pks-r-1")));
    adapter.close();

    BybitAdapter forgetful = BybitAdapter.create(venue.config(), venue.credentials());
    assertThat(forgetful.gateway().openStopLosses(BTC))
        .singleElement()
        .satisfies(st -> assertThat(st.clientId().value()).isEqualTo("bybit-sl-BTCUSDT"));
    forgetful.close();

    adapter = BybitAdapter.create(venue.config(), venue.credentials());
    adapter.restoreStopNames(java.util.Map.of(BTC, ClientOrderId.of("pks-r-1")));
    assertThat(adapter.gateway().openStopLosses(BTC))
        .singleElement()
        .satisfies(st -> assertThat(st.clientId().value()).isEqualTo("pks-r-1"));
    adapter.streams().start(listener);
    awaitResynced();

    venue.setMarkPrice(BTC, new BigDecimal("62950"));

    StreamEvent.OrderChanged exit =
        listener.await(
            StreamEvent.OrderChanged.class,
            o -> o.status() == OrderStatus.FILLED && o.reduceOnly());
    assertThat(exit.clientOrderId()).contains(ClientOrderId.of("pks-r-1"));
  }
}
