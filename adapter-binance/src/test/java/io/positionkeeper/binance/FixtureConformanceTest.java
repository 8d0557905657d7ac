package io.positionkeeper.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.binance.parse.EventMapper;
import io.positionkeeper.binance.parse.Json;
import io.positionkeeper.binance.parse.PortMapper;
import io.positionkeeper.binance.parse.RestDecoder;
import io.positionkeeper.binance.parse.StreamDecoder;
import io.positionkeeper.binance.parse.StreamMessage;
import io.positionkeeper.binance.parse.Wire;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Reads every Binance payload fixture (real captures and the venue's own examples, kept beside the
 * checkout and read in place, never copied; {@link SharedFixtures} finds them) into the port
 * records and checks the values. Unknown fields must be ignored. A fixture without a check here
 * fails {@link #everyFixtureIsChecked()}.
 */
class FixtureConformanceTest {
  private static Path dir;

  // Before each test rather than once for the class: Surefire counts tests skipped one by one,
  // but reports a class aborted in @BeforeAll as zero tests run.
  @BeforeEach
  void locate() {
    dir = SharedFixtures.binanceOrSkip();
  }

  private static String read(String name) {
    try {
      return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonElement json(String name) {
    return Json.parse(read(name));
  }

  private static Instant ms(long millis) {
    return Instant.ofEpochMilli(millis);
  }

  /** Every fixture, with what it must read as. */
  private static final Map<String, Consumer<String>> CHECKS =
      Map.ofEntries(
          Map.entry("algo_all_orders_response_docs.json", FixtureConformanceTest::algoAll),
          Map.entry("algo_open_orders_response_docs.json", FixtureConformanceTest::algoOpen),
          Map.entry("algo_order_cancel_response_docs.json", FixtureConformanceTest::algoCancel),
          Map.entry("algo_order_new_response_docs.json", FixtureConformanceTest::algoNew),
          Map.entry("algo_order_query_response_docs.json", FixtureConformanceTest::algoQuery),
          Map.entry(
              "error_-2019_margin_real.json", n -> error(n, "-2019", "Margin is insufficient.")),
          Map.entry(
              "error_-4120_algo_required_real.json",
              n ->
                  error(
                      n,
                      "-4120",
                      "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.")),
          Map.entry(
              "error_-4164_min_notional_real.json",
              n ->
                  error(
                      n,
                      "-4164",
                      "Order's notional must be no smaller than 50 (unless you choose reduce only).")),
          Map.entry("exchange_info_real_2022_trimmed.json", FixtureConformanceTest::exchangeInfo),
          Map.entry("leverage_response_docs.json", FixtureConformanceTest::leverage),
          Map.entry(
              "listen_key_post_response_docs.json",
              n ->
                  listenKey(n, "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1")),
          Map.entry(
              "listen_key_put_response_docs.json",
              n ->
                  listenKey(n, "3HBntNTepshgEdjIwSUIBgB9keLyOCg5qv3n6bYAtktG8ejcaW5HXz9Vx1JgIieg")),
          Map.entry("margin_type_response_docs.json", FixtureConformanceTest::marginType),
          Map.entry("open_orders_response_docs.json", FixtureConformanceTest::openOrders),
          Map.entry("order_cancel_response_docs.json", FixtureConformanceTest::orderCancel),
          Map.entry(
              "order_new_market_result_real.json", FixtureConformanceTest::orderNewMarketResult),
          Map.entry("order_new_response_docs.json", FixtureConformanceTest::orderNew),
          Map.entry("order_query_response_docs.json", FixtureConformanceTest::orderQuery),
          Map.entry("position_risk_v2_hedge_docs.json", FixtureConformanceTest::positionRiskHedge),
          Map.entry("position_risk_v2_response_docs.json", FixtureConformanceTest::positionRiskV2),
          Map.entry("position_risk_v3_response_docs.json", FixtureConformanceTest::positionRiskV3),
          Map.entry("premium_index_response_docs.json", FixtureConformanceTest::premiumIndex),
          Map.entry("server_time_response_docs.json", FixtureConformanceTest::serverTime),
          Map.entry("ws_account_update_docs.json", FixtureConformanceTest::wsAccountUpdate),
          Map.entry("ws_algo_update_canceled_docs.json", FixtureConformanceTest::wsAlgoCanceled),
          Map.entry(
              "ws_algo_update_finished_unfilled.json",
              FixtureConformanceTest::wsAlgoFinishedUnfilled),
          Map.entry("ws_algo_update_triggered_real.json", FixtureConformanceTest::wsAlgoTriggered),
          Map.entry(
              "ws_algo_update_triggering_real.json", FixtureConformanceTest::wsAlgoTriggering),
          Map.entry(
              "ws_api_algo_order_place_response_docs.json", FixtureConformanceTest::wsApiAlgoPlace),
          Map.entry("ws_listen_key_expired_docs.json", FixtureConformanceTest::wsListenKeyExpired),
          Map.entry("ws_mark_price_docs.json", FixtureConformanceTest::wsMarkPriceDocs),
          Map.entry(
              "ws_mark_price_update_real_btcusdt.json", FixtureConformanceTest::wsMarkPriceReal),
          Map.entry(
              "ws_order_trade_update_new_trailing_docs.json",
              FixtureConformanceTest::wsOrderNewTrailing),
          Map.entry(
              "ws_order_trade_update_trade_partial_derived.json",
              FixtureConformanceTest::wsOrderTradePartial));

  @Test
  void everyFixtureIsChecked() throws IOException {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .forEach(files::add);
    }
    assertThat(files).isNotEmpty();
    assertThat(CHECKS.keySet()).containsExactlyInAnyOrderElementsOf(files);
  }

  @TestFactory
  Stream<DynamicTest> eachFixture_readsIntoThePortRecords() {
    return new TreeSet<>(CHECKS.keySet())
        .stream()
            .filter(n -> Files.exists(dir.resolve(n)))
            .map(n -> DynamicTest.dynamicTest(n, () -> CHECKS.get(n).accept(n)));
  }

  // ------------------------------------------------------------------ REST: algo orders

  private static void algoAll(String name) {
    Wire.Rows<Wire.AlgoOrder> rows = RestDecoder.algoOrders(json(name));
    assertThat(rows.complete()).isTrue();
    StopOrder stop = PortMapper.stopOrder(rows.rows().getFirst());
    assertThat(stop)
        .isEqualTo(
            new StopOrder(
                Symbol.of("BNBUSDT"),
                ClientOrderId.of("6B2I9XVcJpCjqPAJ4YoFX7"),
                java.util.Optional.of(ExchangeOrderId.of(2146760)),
                PositionSide.LONG,
                new BigDecimal("750.000"),
                StopStatus.CANCELED));
    assertThat(rows.rows().getFirst().orderType()).isEqualTo("TAKE_PROFIT");
  }

  private static void algoOpen(String name) {
    Wire.Rows<Wire.AlgoOrder> rows = RestDecoder.algoOrders(json(name));
    assertThat(rows.rows()).hasSize(1);
    Wire.AlgoOrder a = rows.rows().getFirst();
    assertThat(a.algoId()).isEqualTo(2148627L);
    assertThat(a.actualOrderId()).isEmpty();
    assertThat(a.updateTime()).isEqualTo(1750514941540L);
    StopOrder stop = PortMapper.stopOrder(a);
    assertThat(stop.status()).isEqualTo(StopStatus.WORKING);
    assertThat(stop.clientId()).isEqualTo(ClientOrderId.of("MRumok0dkhrP4kCm12AHaB"));
  }

  private static void algoCancel(String name) {
    Wire.AlgoCancel c = RestDecoder.algoCancel(json(name));
    // "code" is the text "200" here, unlike marginType's number.
    assertThat(c)
        .isEqualTo(new Wire.AlgoCancel(2146760L, "6B2I9XVcJpCjqPAJ4YoFX7", "200", "success"));
  }

  private static void algoNew(String name) {
    Wire.AlgoOrder a = RestDecoder.algoOrder(json(name));
    assertThat(a.algoStatus()).isEqualTo("NEW");
    assertThat(a.quantity()).isEqualByComparingTo("0.01");
    assertThat(a.workingType()).isEqualTo("CONTRACT_PRICE");
    assertThat(a.closePosition()).isFalse();
    StopOrder stop = PortMapper.stopOrder(a);
    assertThat(stop.triggerPrice()).isEqualByComparingTo("750");
    assertThat(stop.orderId()).contains(ExchangeOrderId.of("2146760"));
  }

  private static void algoQuery(String name) {
    Wire.AlgoOrder a = RestDecoder.algoOrder(json(name));
    assertThat(a.algoStatus()).isEqualTo("CANCELED");
    assertThat(a.updateTime()).isEqualTo(1750514545091L);
    assertThat(PortMapper.stopOrder(a).status()).isEqualTo(StopStatus.CANCELED);
  }

  // ------------------------------------------------------------------ REST: errors

  /**
   * The real error body, answered by the venue, reaches the caller as a rejection with its code.
   */
  private static void error(String name, String code, String message) {
    assertThat(RestDecoder.errorBody(read(name)))
        .hasValue(new RestDecoder.ErrorBody(Integer.parseInt(code), message));
    try (BinanceEmulator venue = BinanceEmulator.start();
        BinanceGateway gateway = new BinanceGateway(venue.config(), venue.credentials())) {
      venue.setMarkPrice("BTCUSDT", new BigDecimal("50000"));
      venue.faults().answerNext("POST", "/fapi/v1/order", 400, read(name));
      assertThatThrownBy(
              () ->
                  gateway.placeMarketOrder(
                      new MarketOrderRequest(
                          Symbol.of("BTCUSDT"),
                          Side.BUY,
                          new BigDecimal("0.010"),
                          ClientOrderId.of("fixture"),
                          false)))
          .isInstanceOfSatisfying(
              RejectedException.class,
              e -> {
                assertThat(e.code()).isEqualTo(code);
                assertThat(e.reason()).isEqualTo(message);
              });
    }
  }

  // ------------------------------------------------------------------ REST: market data

  private static void exchangeInfo(String name) {
    Wire.ExchangeInfo info = RestDecoder.exchangeInfo(json(name));
    assertThat(info.unreadable()).isEmpty();
    assertThat(info.rateLimits())
        .contains(new Wire.RateLimit("REQUEST_WEIGHT", "MINUTE", 1, 6000))
        .contains(new Wire.RateLimit("ORDERS", "SECOND", 10, 300));
    assertThat(info.symbols())
        .extracting(Wire.SymbolRules::symbol, Wire.SymbolRules::contractType)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("BTCUSDT", "PERPETUAL"),
            org.assertj.core.groups.Tuple.tuple("ETHUSDT", "PERPETUAL"),
            org.assertj.core.groups.Tuple.tuple("BTCUSDT_220325", "CURRENT_QUARTER"));
    InstrumentRules btc = PortMapper.rules(info.symbols().getFirst());
    assertThat(btc)
        .isEqualTo(
            new InstrumentRules(
                Symbol.of("BTCUSDT"),
                new BigDecimal("0.10"),
                new BigDecimal("0.001"),
                new BigDecimal("0.001"),
                new BigDecimal("1000"),
                new BigDecimal("10")));
    InstrumentRules eth = PortMapper.rules(info.symbols().get(1));
    assertThat(eth.tickSize()).isEqualByComparingTo("0.01");
    assertThat(eth.maxQuantity()).isEqualByComparingTo("10000");
  }

  private static void premiumIndex(String name) {
    assertThat(PortMapper.markPrice(RestDecoder.premiumIndex(json(name))))
        .isEqualTo(
            new io.positionkeeper.ports.model.MarkPrice(
                Symbol.of("BTCUSDT"), new BigDecimal("11793.63104562"), ms(1597370495002L)));
  }

  private static void serverTime(String name) {
    assertThat(RestDecoder.serverTime(json(name))).isEqualTo(1499827319559L);
  }

  // ------------------------------------------------------------------ REST: account setup

  /** Not used by the port (leverage is set by hand), read with the same strict helpers. */
  private static void leverage(String name) {
    JsonObject o = Json.object(json(name), "leverage");
    assertThat(Json.longValue(o, "leverage")).isEqualTo(21L);
    assertThat(Json.decimal(o, "maxNotionalValue")).isEqualByComparingTo("1000000");
    assertThat(Json.string(o, "symbol")).isEqualTo("BTCUSDT");
  }

  /** A success answer with a numeric code 200: a 2xx body, never read as an error. */
  private static void marginType(String name) {
    JsonObject o = Json.object(json(name), "margin type");
    assertThat(Json.longValue(o, "code")).isEqualTo(200L);
    assertThat(Json.string(o, "msg")).isEqualTo("success");
  }

  private static void listenKey(String name, String expected) {
    assertThat(RestDecoder.listenKey(json(name))).isEqualTo(expected);
  }

  // ------------------------------------------------------------------ REST: orders

  private static void openOrders(String name) {
    List<Wire.Order> orders = new ArrayList<>();
    Json.array(json(name), "open orders").forEach(e -> orders.add(RestDecoder.order(e)));
    OrderReport r = PortMapper.orderReport(orders.getFirst());
    assertThat(r.orderId()).isEqualTo(ExchangeOrderId.of(1917641));
    assertThat(r.clientOrderId()).isEqualTo(ClientOrderId.of("abc"));
    assertThat(r.status()).isEqualTo(OrderStatus.NEW);
    assertThat(r.side()).isEqualTo(Side.BUY);
    assertThat(r.quantity()).isEqualByComparingTo("0.40");
    assertThat(r.updatedAt()).isEqualTo(ms(1579276756075L));
  }

  private static void orderCancel(String name) {
    OrderReport r = PortMapper.orderReport(RestDecoder.order(json(name)));
    assertThat(r.status()).isEqualTo(OrderStatus.CANCELED);
    assertThat(r.orderId()).isEqualTo(ExchangeOrderId.of(283194212));
    assertThat(r.clientOrderId()).isEqualTo(ClientOrderId.of("myOrder1"));
    assertThat(r.averagePrice()).isZero(); // no avgPrice in this answer
    assertThat(r.updatedAt()).isEqualTo(ms(1571110484038L));
  }

  private static void orderNewMarketResult(String name) {
    OrderReport r = PortMapper.orderReport(RestDecoder.order(json(name)));
    assertThat(r)
        .isEqualTo(
            new OrderReport(
                Symbol.of("ETHUSDT"),
                ClientOrderId.of("AL0F55jVYngvTWweEpAFb2"),
                // above 2^53: the exact digits prove the id never went through a double
                ExchangeOrderId.of("8389766058155948588"),
                Side.BUY,
                OrderStatus.FILLED,
                new BigDecimal("0.007"),
                new BigDecimal("0.007"),
                new BigDecimal("3057.89000"),
                false,
                ms(1766412825838L)));
  }

  private static void orderNew(String name) {
    OrderReport r = PortMapper.orderReport(RestDecoder.order(json(name)));
    assertThat(r.status()).isEqualTo(OrderStatus.NEW);
    assertThat(r.orderId()).isEqualTo(ExchangeOrderId.of(22542179));
    assertThat(r.filledQuantity()).isZero();
    assertThat(r.side()).isEqualTo(Side.SELL);
  }

  private static void orderQuery(String name) {
    OrderReport r = PortMapper.orderReport(RestDecoder.order(json(name)));
    assertThat(r.orderId()).isEqualTo(ExchangeOrderId.of(1573346959));
    assertThat(r.status()).isEqualTo(OrderStatus.NEW);
  }

  // ------------------------------------------------------------------ REST: positions

  /** Served by the emulator as the venue's answer, read by the real gateway. */
  private static PositionSnapshot positionsFrom(String name) {
    try (BinanceEmulator venue = BinanceEmulator.start();
        BinanceGateway gateway = new BinanceGateway(venue.config(), venue.credentials())) {
      venue.faults().answerNext("GET", "/fapi/v3/positionRisk", 200, read(name));
      return gateway.positions();
    }
  }

  private static void positionRiskHedge(String name) {
    Wire.Rows<Wire.Position> rows = RestDecoder.positions(json(name));
    assertThat(rows.rows())
        .extracting(Wire.Position::positionSide, p -> p.positionAmt().toPlainString())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("LONG", "20.000"),
            org.assertj.core.groups.Tuple.tuple("SHORT", "-10.000"));
    // A one-way adapter cannot represent hedge rows: the snapshot says so instead of guessing.
    assertThat(positionsFrom(name))
        .isInstanceOfSatisfying(
            PositionSnapshot.Incomplete.class,
            s -> {
              assertThat(s.reason()).contains("LONG").contains("SHORT").contains("one-way");
              assertThat(s.positions()).isEmpty();
            });
  }

  private static void positionRiskV2(String name) {
    // One flat BOTH row: filtered on positionAmt, and the answer is complete.
    PositionSnapshot snapshot = positionsFrom(name);
    assertThat(snapshot).isInstanceOf(PositionSnapshot.Complete.class);
    assertThat(snapshot.positions()).isEmpty();
    assertThat(RestDecoder.positions(json(name)).rows().getFirst().positionAmt()).isZero();
  }

  private static void positionRiskV3(String name) {
    PositionSnapshot snapshot = positionsFrom(name);
    assertThat(snapshot).isInstanceOf(PositionSnapshot.Complete.class);
    assertThat(snapshot.positions())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.symbol()).isEqualTo(Symbol.of("ADAUSDT"));
              assertThat(p.signedSize()).isEqualByComparingTo("30");
              assertThat(p.entryPrice()).isEqualByComparingTo("0.385");
              assertThat(p.markPrice()).isEqualByComparingTo("0.41047590");
              assertThat(p.updatedAt()).isEqualTo(ms(1720736417660L));
              assertThat(p.side()).contains(PositionSide.LONG);
            });
  }

  // ------------------------------------------------------------------ WebSocket

  private record Mapped(List<StreamEvent> events, List<String> problems) {}

  private static Mapped map(String name) {
    List<StreamEvent> events = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    EventMapper.map(
        StreamDecoder.decode(read(name)),
        new EventMapper.Sink() {
          @Override
          public void event(StreamEvent event) {
            events.add(event);
          }

          @Override
          public void problem(String description) {
            problems.add(description);
          }
        });
    return new Mapped(events, problems);
  }

  private static void wsAccountUpdate(String name) {
    StreamMessage.AccountUpdate a = (StreamMessage.AccountUpdate) StreamDecoder.decode(read(name));
    assertThat(a.reason()).isEqualTo("ORDER");
    assertThat(a.rows()).hasSize(3);
    Mapped m = map(name);
    assertThat(m.events())
        .containsExactly(
            new StreamEvent.PositionChanged(
                Symbol.of("BTCUSDT"),
                new BigDecimal("0"),
                new BigDecimal("0.00000"),
                ms(1564745798939L)));
    // The LONG/SHORT rows are hedge mode: reported, not folded into a one-way position.
    assertThat(m.problems()).hasSize(2).allMatch(p -> p.contains("hedge-mode"));
    assertThat(m.problems().get(0)).contains("LONG").contains("20");
    assertThat(m.problems().get(1)).contains("SHORT").contains("-10");
  }

  /**
   * The ALGO_UPDATE fixtures are a take-profit and stops for a quantity: they read cleanly, but
   * they are not the close-position stops this adapter places, so the stream turns them into no
   * event at all (and no problem). What they would say as a stop event is checked on the mapping.
   */
  private static StreamEvent.StopChanged stop(String name) {
    Mapped m = map(name);
    assertThat(m.problems()).isEmpty();
    assertThat(m.events()).as("a foreign algo order is no event about our stop").isEmpty();
    return EventMapper.stopChanged((StreamMessage.AlgoUpdate) StreamDecoder.decode(read(name)));
  }

  private static void wsAlgoCanceled(String name) {
    assertThat(stop(name))
        .isEqualTo(
            new StreamEvent.StopChanged(
                Symbol.of("BNBUSDT"),
                ClientOrderId.of("Q5xaq5EGKgXXa0fD7fs0Ip"),
                StopStatus.CANCELED,
                new BigDecimal("750"),
                new BigDecimal("0.00000"),
                new BigDecimal("0.00000"),
                ms(1750515742297L)));
    StreamMessage.AlgoUpdate a = (StreamMessage.AlgoUpdate) StreamDecoder.decode(read(name));
    assertThat(a.failureReason()).isEqualTo("Reduce Only reject");
  }

  private static void wsAlgoFinishedUnfilled(String name) {
    StreamEvent.StopChanged s = stop(name);
    // FINISHED without an executed quantity: done in the matching engine, nothing filled.
    assertThat(s.status()).isEqualTo(StopStatus.CANCELED);
    assertThat(s.clientId()).isEqualTo(ClientOrderId.of("O-20251211-053131-TEST-000-2"));
    assertThat(s.filledQuantity()).isZero();
    StreamMessage.AlgoUpdate a = (StreamMessage.AlgoUpdate) StreamDecoder.decode(read(name));
    assertThat(a.algoId()).isEqualTo(1_000_000_033_225_454L);
    assertThat(a.actualOrderId()).isEqualTo("88937381064");
  }

  private static void wsAlgoTriggered(String name) {
    StreamEvent.StopChanged s = stop(name);
    assertThat(s.status()).isEqualTo(StopStatus.TRIGGERED);
    assertThat(s.symbol()).isEqualTo(Symbol.of("DOGEUSDT"));
    assertThat(s.triggerPrice()).isEqualByComparingTo("0.13855");
    assertThat(s.time()).isEqualTo(ms(1765431097030L));
    StreamMessage.AlgoUpdate a = (StreamMessage.AlgoUpdate) StreamDecoder.decode(read(name));
    assertThat(a.algoId()).isEqualTo(1_000_000_033_225_453L);
    assertThat(a.actualOrderId()).isEqualTo("88937381063");
  }

  private static void wsAlgoTriggering(String name) {
    StreamEvent.StopChanged s = stop(name);
    assertThat(s.status()).isEqualTo(StopStatus.TRIGGERED);
    // TRIGGERING frames carry no ap/aq yet.
    assertThat(s.filledQuantity()).isZero();
    assertThat(s.averagePrice()).isZero();
    assertThat(s.clientId()).isEqualTo(ClientOrderId.of("O-20251211-053131-TEST-000-1"));
  }

  private static void wsApiAlgoPlace(String name) {
    JsonObject envelope = Json.object(json(name), "WS API answer");
    assertThat(Json.longValue(envelope, "status")).isEqualTo(200L);
    Wire.AlgoOrder a = RestDecoder.algoOrder(envelope.get("result"));
    assertThat(a.algoId()).isEqualTo(3_000_000_000_003_505L);
    StopOrder stop = PortMapper.stopOrder(a);
    assertThat(stop.positionSide()).isEqualTo(PositionSide.SHORT);
    assertThat(stop.triggerPrice()).isEqualByComparingTo("120000.00");
    assertThat(stop.status()).isEqualTo(StopStatus.WORKING);
  }

  private static void wsListenKeyExpired(String name) {
    // E is a string in the docs example.
    assertThat(StreamDecoder.decode(read(name)))
        .isEqualTo(new StreamMessage.ListenKeyExpired(1736996475556L));
    assertThat(map(name).events()).isEmpty();
  }

  private static void wsMarkPriceDocs(String name) {
    assertThat(map(name).events())
        .containsExactly(
            new StreamEvent.MarkPriceChanged(
                Symbol.of("BTCUSDT"), new BigDecimal("11794.15000000"), ms(1562305380000L)));
  }

  private static void wsMarkPriceReal(String name) {
    assertThat(map(name).events())
        .containsExactly(
            new StreamEvent.MarkPriceChanged(
                Symbol.of("BTCUSDT"), new BigDecimal("79107.36658171"), ms(1788936948001L)));
  }

  private static void wsOrderNewTrailing(String name) {
    assertThat(map(name).events())
        .containsExactly(
            new StreamEvent.OrderChanged(
                Symbol.of("BTCUSDT"),
                java.util.Optional.of(ClientOrderId.of("TEST")),
                ExchangeOrderId.of(8886774),
                Side.BUY,
                OrderStatus.NEW,
                new BigDecimal("0"),
                new BigDecimal("0"),
                new BigDecimal("0"),
                new BigDecimal("0"),
                new BigDecimal("0"),
                false,
                ms(1568879465651L)));
  }

  private static void wsOrderTradePartial(String name) {
    StreamEvent.OrderChanged o = (StreamEvent.OrderChanged) map(name).events().getFirst();
    assertThat(o.status()).isEqualTo(OrderStatus.PARTIALLY_FILLED);
    assertThat(o.lastFilledQuantity()).isEqualByComparingTo("0.001");
    assertThat(o.lastFilledPrice()).isEqualByComparingTo("7100.50");
    assertThat(o.filledQuantity()).isEqualByComparingTo("0.001");
    assertThat(o.averagePrice()).isEqualByComparingTo("7100.50");
    assertThat(o.realizedPnl()).isEqualByComparingTo("12.34");
    StreamMessage.OrderUpdate u = (StreamMessage.OrderUpdate) StreamDecoder.decode(read(name));
    assertThat(u.tradeId()).isEqualTo(12345678L);
    assertThat(u.executionType()).isEqualTo("TRADE");
  }
}
