package io.positionkeeper.binance;

import static io.positionkeeper.binance.RecordingListener.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.emulator.BinanceEmulator;
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
import io.positionkeeper.ports.model.StreamEvent.OrderChanged;
import io.positionkeeper.ports.model.StreamEvent.PositionChanged;
import io.positionkeeper.ports.model.StreamEvent.StopChanged;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The user-data and mark-price streams against the emulated venue, faults included. */
class BinanceStreamsTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Symbol ETH = Symbol.of("ETHUSDT");

  private BinanceEmulator venue;
  private BinanceGateway gateway;
  private BinanceStreams streams;
  private final RecordingListener events = new RecordingListener();

  @BeforeEach
  void startVenue() {
    venue = BinanceEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("50000.00"));
    venue.setMarkPrice(ETH, new BigDecimal("3000.00"));
  }

  @AfterEach
  void stop() {
    if (streams != null) {
      streams.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    venue.close();
  }

  private BinanceConfig config() {
    return venue
        .config()
        .withStreamTimings(
            Duration.ofMinutes(30),
            Duration.ofHours(23),
            Duration.ofSeconds(30),
            Duration.ofSeconds(90),
            Duration.ofMillis(20));
  }

  private void start(BinanceConfig config) {
    gateway = new BinanceGateway(config, venue.credentials());
    streams = new BinanceStreams(gateway);
    streams.start(events);
    events.awaitState(ConnectionState.RESYNCED, 0);
  }

  private void start() {
    start(config());
  }

  private void buy(String qty, String id) {
    gateway.placeMarketOrder(
        new MarketOrderRequest(BTC, Side.BUY, new BigDecimal(qty), ClientOrderId.of(id), false));
  }

  @Test
  void start_reportsConnectingConnectedResynced_onTheRoutedPrivatePath() {
    start();

    assertThat(events.states())
        .containsExactly(
            ConnectionState.CONNECTING, ConnectionState.CONNECTED, ConnectionState.RESYNCED);
    assertThat(streams.connectionState()).isEqualTo(ConnectionState.RESYNCED);
    String key = venue.activeListenKey().orElseThrow();
    assertThat(venue.openedStreams()).containsExactly("/private/ws/" + key);
    // RESYNCED only after the REST view was read.
    assertThat(venue.requestCount("GET", "/fapi/v3/positionRisk")).isPositive();
  }

  @Test
  void aResyncOverManySymbols_readsTheirStopsInOneRequestWithoutSymbol() {
    List<Symbol> symbols = new java.util.ArrayList<>();
    for (int i = 0; i < 45; i++) {
      String name = "S" + i + "USDT";
      venue.addInstrument(name, "0.01", "1", "1", "1000000", "5");
      venue.setMarkPrice(Symbol.of(name), new BigDecimal("100.00"));
      venue.seedPosition(name, new BigDecimal("10"), new BigDecimal("100.00"));
      venue.placeAlgoByHand(
          java.util.Map.of(
              "symbol", name,
              "side", "SELL",
              "type", "STOP_MARKET",
              "triggerPrice", "90.00",
              "closePosition", "true",
              "workingType", "MARK_PRICE",
              "clientAlgoId", "sl-" + i));
      symbols.add(Symbol.of(name));
    }

    start();

    assertThat(
            venue.requests().stream()
                .filter(r -> r.path().equals("/fapi/v1/openAlgoOrders"))
                .map(r -> r.params().containsKey("symbol")))
        .containsExactly(false);
    assertThat(events.events())
        .filteredOn(StopChanged.class::isInstance)
        .extracting(e -> ((StopChanged) e).symbol())
        .containsExactlyInAnyOrderElementsOf(symbols);
  }

  @Test
  void aMarketOrder_isReportedOnceAsFilled_andThePositionChange_despiteTradeLite() {
    start();
    int from = events.size();

    buy("0.010", "entry-1");

    PositionChanged position =
        events.awaitEvent(PositionChanged.class, p -> p.symbol().equals(BTC), from);
    assertThat(position.signedSize()).isEqualByComparingTo("0.010");
    assertThat(position.entryPrice()).isEqualByComparingTo("50000");
    List<OrderChanged> orders = events.events(OrderChanged.class);
    assertThat(orders)
        .extracting(OrderChanged::status)
        .containsExactly(OrderStatus.NEW, OrderStatus.FILLED);
    OrderChanged filled = orders.get(1);
    assertThat(filled.clientOrderId()).contains(ClientOrderId.of("entry-1"));
    assertThat(filled.filledQuantity()).isEqualByComparingTo("0.010");
    assertThat(filled.lastFilledPrice()).isEqualByComparingTo("50000");
    assertThat(filled.orderId().value())
        .isEqualTo(
            gateway.queryOrder(BTC, ClientOrderId.of("entry-1")).orElseThrow().orderId().value());
    // The venue also sent TRADE_LITE for the fill: it must not add a second fill.
    assertThat(venue.userFrames()).anyMatch(f -> f.contains("TRADE_LITE"));
  }

  @Test
  void aStopTriggeredByTheMark_isReportedWorkingTriggeredFilled_andThePositionFlat() {
    start();
    buy("0.010", "entry-s");
    gateway.placeStopLoss(
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-1")));
    events.awaitEvent(StopChanged.class, s -> s.status() == StopStatus.WORKING);
    int from = events.size();

    venue.setMarkPrice(BTC, new BigDecimal("48950.00"));

    StopChanged filled =
        events.awaitEvent(StopChanged.class, s -> s.status() == StopStatus.FILLED, from);
    assertThat(filled.clientId()).isEqualTo(ClientOrderId.of("sl-1"));
    assertThat(filled.filledQuantity()).isEqualByComparingTo("0.010");
    assertThat(filled.averagePrice()).isEqualByComparingTo("48950");
    assertThat(events.events(StopChanged.class))
        .extracting(StopChanged::status)
        .containsExactly(StopStatus.WORKING, StopStatus.TRIGGERED, StopStatus.FILLED);
    assertThat(events.events(PositionChanged.class).getLast().signedSize()).isZero();
    // The triggered order's fill carries the stop's client id.
    assertThat(events.events(OrderChanged.class))
        .anySatisfy(
            o -> {
              assertThat(o.clientOrderId()).contains(ClientOrderId.of("sl-1"));
              assertThat(o.status()).isEqualTo(OrderStatus.FILLED);
              assertThat(o.reduceOnly()).isTrue();
            });
  }

  @Test
  void eventsOfDifferentTypesOutOfOrder_stillEndWithTheStopFilledAndThePositionFlat() {
    start();
    buy("0.010", "entry-ooo");
    gateway.placeStopLoss(
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of("sl-ooo")));
    events.awaitEvent(StopChanged.class, s -> s.status() == StopStatus.WORKING);
    // The position's ACCOUNT_UPDATE overtakes the stop's and the order's events.
    venue.faults().delayEvents("ALGO_UPDATE", Duration.ofMillis(150));
    venue.faults().delayEvents("ORDER_TRADE_UPDATE", Duration.ofMillis(100));
    int from = events.size();

    venue.setMarkPrice(BTC, new BigDecimal("48950.00"));

    StopChanged filled =
        events.awaitEvent(StopChanged.class, s -> s.status() == StopStatus.FILLED, from);
    assertThat(filled.filledQuantity()).isEqualByComparingTo("0.010");
    List<StreamEvent> after = events.events().subList(from, events.size());
    int flat = indexOf(after, e -> e instanceof PositionChanged p && p.signedSize().signum() == 0);
    int triggered =
        indexOf(after, e -> e instanceof StopChanged s && s.status() == StopStatus.TRIGGERED);
    assertThat(flat).as("the flat position came first").isNotNegative().isLessThan(triggered);
    assertThat(events.events(PositionChanged.class).getLast().signedSize()).isZero();
    assertThat(events.events(OrderChanged.class))
        .anySatisfy(o -> assertThat(o.status()).isEqualTo(OrderStatus.FILLED));
  }

  private static int indexOf(List<StreamEvent> list, java.util.function.Predicate<StreamEvent> p) {
    for (int i = 0; i < list.size(); i++) {
      if (p.test(list.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void markPrices_ofWatchedSymbolsOnly_onTheRoutedMarketPath_andTheSetCanChange() {
    start();
    int from = events.size();
    streams.watchMarkPrices(Set.of(BTC));
    events.awaitState(ConnectionState.RESYNCED, from);
    assertThat(venue.openedStreams()).contains("/market/stream?streams=btcusdt@markPrice@1s");

    venue.setMarkPrice(ETH, new BigDecimal("3001.00"));
    venue.setMarkPrice(BTC, new BigDecimal("50001.00"));
    events.awaitEvent(
        MarkPriceChanged.class, m -> m.markPrice().compareTo(new BigDecimal("50001")) == 0);
    assertThat(events.events(MarkPriceChanged.class)).allMatch(m -> m.symbol().equals(BTC));

    streams.watchMarkPrices(Set.of(ETH));
    awaitTrue(
        "ETH subscribed, BTC unsubscribed",
        () -> venue.marketSubscriptions().equals(Set.of("ethusdt@markPrice@1s")));
    venue.setMarkPrice(ETH, new BigDecimal("3002.00"));
    events.awaitEvent(MarkPriceChanged.class, m -> m.symbol().equals(ETH));
    assertThat(venue.streamRequests())
        .anyMatch(r -> r.contains("SUBSCRIBE") && r.contains("ethusdt@markPrice@1s"))
        .anyMatch(r -> r.contains("UNSUBSCRIBE") && r.contains("btcusdt@markPrice@1s"));
    assertThat(venue.marketConnections()).isEqualTo(1);
  }

  @Test
  void aDroppedConnection_isReported_reconnected_andWhatHappenedMeanwhileIsResynced() {
    start();
    longWithWorkingStop("entry-d", "sl-d");
    // Keep the reconnect away for a few attempts while the stop fires unseen.
    venue.faults().failNext("POST", "/fapi/v1/listenKey", 3, 503, 0, "Service Unavailable.");
    int from = events.size();

    venue.dropStreams();
    venue.setMarkPrice(BTC, new BigDecimal("48900.00"));

    events.awaitState(ConnectionState.DISCONNECTED, from);
    events.awaitState(ConnectionState.RESYNCED, from);
    assertThat(events.states().subList(3, events.states().size()))
        .startsWith(ConnectionState.DISCONNECTED)
        .endsWith(ConnectionState.CONNECTING, ConnectionState.CONNECTED, ConnectionState.RESYNCED);
    // The resync told what the dropped stream could not, before RESYNCED.
    List<StreamEvent> after = events.events().subList(from, events.size());
    int resynced = indexOfState(after, ConnectionState.RESYNCED);
    assertThat(after.subList(0, resynced))
        .anySatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        PositionChanged.class, p -> assertThat(p.signedSize()).isZero()))
        .anySatisfy(e -> assertStopFilled(e, "sl-d"));
  }

  @Test
  void connectionsClosedByTheVenueAtItsDayLimit_areReopened_andTheFillMeanwhileIsResynced() {
    start();
    longWithWorkingStop("entry-day", "sl-day");
    int from = events.size();

    venue.closeStreamsAtDayLimit();
    venue.setMarkPrice(BTC, new BigDecimal("48900.00"));

    events.awaitState(ConnectionState.RESYNCED, from);
    assertThat(venue.openedStreams()).filteredOn(s -> s.startsWith("/private")).hasSize(2);
    assertThat(events.events().subList(from, events.size()))
        .anySatisfy(e -> assertStopFilled(e, "sl-day"));
  }

  /** A long of 0.010 BTC with its stop at 49,000 reported working. */
  private void longWithWorkingStop(String entryId, String stopId) {
    buy("0.010", entryId);
    gateway.placeStopLoss(
        new StopLossRequest(
            BTC, PositionSide.LONG, new BigDecimal("49000.0"), ClientOrderId.of(stopId)));
    events.awaitEvent(StopChanged.class, s -> s.status() == StopStatus.WORKING);
  }

  /** The event reports the whole 0.010 of the stop {@code stopId} filled. */
  private static void assertStopFilled(StreamEvent e, String stopId) {
    assertThat(e)
        .isInstanceOfSatisfying(
            StopChanged.class,
            s -> {
              assertThat(s.clientId()).isEqualTo(ClientOrderId.of(stopId));
              assertThat(s.status()).isEqualTo(StopStatus.FILLED);
              assertThat(s.filledQuantity()).isEqualByComparingTo("0.010");
            });
  }

  private static int indexOfState(List<StreamEvent> list, ConnectionState state) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) instanceof ConnectionChanged c && c.state() == state) {
        return i;
      }
    }
    throw new AssertionError("no " + state + " in " + list);
  }

  @Test
  void aStalledConnection_isDetectedByPingTimeout_andReplaced() {
    start(
        venue
            .config()
            .withStreamTimings(
                Duration.ofMinutes(30),
                Duration.ofHours(23),
                Duration.ofMillis(150),
                Duration.ofMillis(600),
                Duration.ofMillis(20)));
    int from = events.size();

    venue.stallUserStream();

    ConnectionChanged down = events.awaitState(ConnectionState.DISCONNECTED, from);
    assertThat(down.detail()).contains("stalled");
    events.awaitState(ConnectionState.RESYNCED, from);
    assertThat(venue.openedStreams()).hasSize(2);
    // The new connection carries events again.
    int later = events.size();
    buy("0.010", "entry-st");
    events.awaitEvent(PositionChanged.class, p -> p.symbol().equals(BTC), later);
  }

  @Test
  void theListenKey_isKeptAlive_whileConnected() {
    start(
        venue
            .config()
            .withStreamTimings(
                Duration.ofMillis(100),
                Duration.ofHours(23),
                Duration.ofSeconds(30),
                Duration.ofSeconds(90),
                Duration.ofMillis(20)));

    awaitTrue("two keep-alives", () -> venue.listenKeyKeepAlives() >= 2);
    assertThat(venue.requestCount("POST", "/fapi/v1/listenKey")).isEqualTo(1);
  }

  @Test
  void aKeepAliveAnsweredWithMinus1125_opensANewListenKey() {
    start(
        venue
            .config()
            .withStreamTimings(
                Duration.ofMillis(100),
                Duration.ofHours(23),
                Duration.ofSeconds(30),
                Duration.ofSeconds(90),
                Duration.ofMillis(20)));
    int from = events.size();

    venue
        .faults()
        .failNext("PUT", "/fapi/v1/listenKey", 1, 400, -1125, "This listenKey does not exist.");

    ConnectionChanged down = events.awaitState(ConnectionState.DISCONNECTED, from);
    assertThat(down.detail()).contains("-1125");
    events.awaitState(ConnectionState.RESYNCED, from);
    assertThat(venue.requestCount("POST", "/fapi/v1/listenKey")).isEqualTo(2);
  }

  @Test
  void listenKeyExpired_opensANewKeyAndConnection() {
    start();
    String oldKey = venue.activeListenKey().orElseThrow();
    int from = events.size();

    venue.expireListenKey();

    assertThat(events.awaitState(ConnectionState.DISCONNECTED, from).detail()).contains("expired");
    events.awaitState(ConnectionState.RESYNCED, from);
    String newKey = venue.activeListenKey().orElseThrow();
    assertThat(newKey).isNotEqualTo(oldKey);
    assertThat(venue.openedStreams())
        .containsExactly("/private/ws/" + oldKey, "/private/ws/" + newKey);
    int later = events.size();
    buy("0.010", "entry-k");
    events.awaitEvent(PositionChanged.class, p -> p.symbol().equals(BTC), later);
  }

  @Test
  void connections_areRotatedBeforeTheirMaximumAge() {
    start(
        venue
            .config()
            .withStreamTimings(
                Duration.ofMinutes(30),
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                Duration.ofSeconds(90),
                Duration.ofMillis(20)));
    int from = events.size();

    ConnectionChanged rotating = events.awaitState(ConnectionState.CONNECTING, from);
    assertThat(rotating.detail()).contains("24 h");
    events.awaitState(ConnectionState.RESYNCED, from);
    assertThat(venue.openedStreams().size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void anUnreadableFrame_isReportedAsAGap_resynced_andTheStreamGoesOn() {
    start();
    int from = events.size();

    venue.sendRawUserFrame(
        "{\"e\":\"ORDER_TRADE_UPDATE\",\"E\":1,\"T\":1,\"o\":{\"s\":\"BTCUSDT\",\"i\":\"not-an-id\"}}");

    ConnectionChanged gap = events.awaitState(ConnectionState.CONNECTED, from);
    assertThat(gap.detail()).contains("ORDER_TRADE_UPDATE");
    events.awaitState(ConnectionState.RESYNCED, from);
    assertThat(streams.unreadableMessages()).isEqualTo(1);

    int later = events.size();
    venue.sendRawUserFrame("this is not json");
    events.awaitState(ConnectionState.RESYNCED, later);
    assertThat(streams.unreadableMessages()).isEqualTo(2);
    buy("0.010", "entry-u");
    events.awaitEvent(PositionChanged.class, p -> p.symbol().equals(BTC), later);
  }

  @Test
  void aRepeatedFrame_isDeliveredOnce() {
    start();
    buy("0.010", "entry-r");
    events.awaitEvent(OrderChanged.class, o -> o.status() == OrderStatus.FILLED);
    String fill =
        venue.userFrames().stream()
            .filter(f -> f.contains("ORDER_TRADE_UPDATE") && f.contains("\"X\":\"FILLED\""))
            .findFirst()
            .orElseThrow();
    int from = events.size();

    venue.sendRawUserFrame(fill);
    venue.sendRawUserFrame("{\"e\":\"MARGIN_CALL\",\"E\":2}");
    // A later order on the same connection: once it is seen, the repeats were handled.
    buy("0.010", "entry-r2");
    events.awaitEvent(
        OrderChanged.class,
        o ->
            o.clientOrderId().equals(java.util.Optional.of(ClientOrderId.of("entry-r2")))
                && o.status() == OrderStatus.FILLED,
        from);

    assertThat(events.events(OrderChanged.class))
        .filteredOn(
            o -> o.clientOrderId().equals(java.util.Optional.of(ClientOrderId.of("entry-r"))))
        .extracting(OrderChanged::status)
        .containsExactly(OrderStatus.NEW, OrderStatus.FILLED);
    assertThat(streams.unreadableMessages()).isZero();
  }

  @Test
  void aFailingResync_keepsTheStateConnected_untilARetrySucceeds() {
    venue.faults().failNext("GET", "/fapi/v3/positionRisk", 2, 503, 0, "Service Unavailable.");
    gateway = new BinanceGateway(config(), venue.credentials());
    streams = new BinanceStreams(gateway);

    streams.start(events);

    events.awaitState(ConnectionState.RESYNCED, 0);
    assertThat(events.states())
        .containsExactly(
            ConnectionState.CONNECTING, ConnectionState.CONNECTED, ConnectionState.RESYNCED);
    assertThat(venue.requestCount("GET", "/fapi/v3/positionRisk")).isEqualTo(3);
  }

  @Test
  void aThrowingListener_doesNotStopTheStream() {
    gateway = new BinanceGateway(config(), venue.credentials());
    streams = new BinanceStreams(gateway);
    streams.start(
        e -> {
          events.onEvent(e);
          if (e instanceof OrderChanged) {
            throw new IllegalStateException("listener bug");
          }
        });
    events.awaitState(ConnectionState.RESYNCED, 0);

    buy("0.010", "entry-th");

    events.awaitEvent(PositionChanged.class, p -> p.symbol().equals(BTC));
    assertThat(events.events(OrderChanged.class)).hasSize(2);
  }

  @Test
  void close_reportsDisconnected_andNothingAfterwards() {
    start();
    streams.watchMarkPrices(Set.of(BTC));
    events.awaitEvent(ConnectionChanged.class, c -> c.state() == ConnectionState.RESYNCED, 3);

    streams.close();
    int after = events.size();
    venue.setMarkPrice(BTC, new BigDecimal("50500.00"));
    buy("0.010", "entry-cl");

    assertThat(events.events().getLast())
        .isInstanceOfSatisfying(
            ConnectionChanged.class,
            c -> assertThat(c.state()).isEqualTo(ConnectionState.DISCONNECTED));
    awaitTrue(
        "connections closed", () -> venue.userConnections() == 0 && venue.marketConnections() == 0);
    assertThat(events.size()).isEqualTo(after);
    assertThat(streams.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
  }
}
