package io.positionkeeper.binance.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.positionkeeper.binance.BinanceGateway;
import io.positionkeeper.binance.auth.RequestSigner;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulator speaks the venue's protocol: event sequences, signing rules, routed streams. */
class BinanceEmulatorTest {
  private BinanceEmulator venue;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    venue = BinanceEmulator.start();
    venue.setMarkPrice("BTCUSDT", new BigDecimal("50000.00"));
  }

  @AfterEach
  void stop() {
    http.close();
    venue.close();
  }

  private static String describe(String frame) {
    JsonObject e = JsonParser.parseString(frame).getAsJsonObject();
    String type = e.get("e").getAsString();
    return switch (type) {
      case "ALGO_UPDATE" -> type + " " + e.getAsJsonObject("o").get("X").getAsString();
      case "ORDER_TRADE_UPDATE" ->
          type
              + " "
              + e.getAsJsonObject("o").get("x").getAsString()
              + "/"
              + e.getAsJsonObject("o").get("X").getAsString();
      default -> type;
    };
  }

  @Test
  void aStopTriggeredByTheMark_emitsTheVenuesEventSequence() {
    try (BinanceGateway gateway = new BinanceGateway(venue.config(), venue.credentials())) {
      gateway.placeMarketOrder(
          new MarketOrderRequest(
              Symbol.of("BTCUSDT"),
              Side.BUY,
              new BigDecimal("0.010"),
              ClientOrderId.of("e1"),
              false));
      gateway.placeStopLoss(
          new StopLossRequest(
              Symbol.of("BTCUSDT"),
              PositionSide.LONG,
              new BigDecimal("49000.0"),
              ClientOrderId.of("sl1")));
      int from = venue.userFrames().size();

      venue.setMarkPrice("BTCUSDT", new BigDecimal("48000.00"));

      List<String> after = venue.userFrames().subList(from, venue.userFrames().size());
      assertThat(after.stream().map(BinanceEmulatorTest::describe).toList())
          .containsExactly(
              "ALGO_UPDATE TRIGGERING",
              "ALGO_UPDATE TRIGGERED",
              "ORDER_TRADE_UPDATE NEW/NEW",
              "TRADE_LITE",
              "ORDER_TRADE_UPDATE TRADE/FILLED",
              "ACCOUNT_UPDATE",
              "ALGO_UPDATE FINISHED");
      JsonObject triggered =
          JsonParser.parseString(after.get(1)).getAsJsonObject().getAsJsonObject("o");
      JsonObject fill = JsonParser.parseString(after.get(4)).getAsJsonObject().getAsJsonObject("o");
      // The matching-engine order id (ai) is the order that fills, under the algo's client id.
      assertThat(fill.get("i").getAsString()).isEqualTo(triggered.get("ai").getAsString());
      assertThat(fill.get("c").getAsString()).isEqualTo("sl1");
      JsonObject finished =
          JsonParser.parseString(after.get(6)).getAsJsonObject().getAsJsonObject("o");
      assertThat(finished.get("aq").getAsString()).isEqualTo("0.010");
    }
  }

  private HttpResponse<String> send(String method, String path, String query, String body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(venue.restBaseUrl() + path + (query.isEmpty() ? "" : "?" + query)))
            .header("X-MBX-APIKEY", venue.apiKey())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private String sign(String totalParams) {
    return new RequestSigner(venue.credentials()).sign(totalParams);
  }

  @Test
  void signatures_coverTheQueryStringConcatenatedWithTheBody() throws Exception {
    long ts = venue.serverTime();
    String query = "symbol=BTCUSDT&side=BUY&type=MARKET";
    String body = "quantity=0.010&newClientOrderId=body1&timestamp=" + ts;

    HttpResponse<String> ok =
        send("POST", "/fapi/v1/order", query, body + "&signature=" + sign(query + body));
    HttpResponse<String> reordered =
        send(
            "POST",
            "/fapi/v1/order",
            "side=BUY&symbol=BTCUSDT&type=MARKET",
            body + "&signature=" + sign(query + body));

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("\"status\":\"FILLED\"");
    assertThat(reordered.statusCode()).isEqualTo(400);
    assertThat(reordered.body()).contains("-1022");
  }

  @Test
  void timestamps_outsideTheVenuesWindow_areRefusedWithMinus1021() throws Exception {
    String ahead = "timestamp=" + (venue.serverTime() + 1500);
    String stale = "recvWindow=1000&timestamp=" + (venue.serverTime() - 2000);

    assertThat(send("GET", "/fapi/v3/positionRisk", ahead + "&signature=" + sign(ahead), "").body())
        .contains("-1021");
    assertThat(send("GET", "/fapi/v3/positionRisk", stale + "&signature=" + sign(stale), "").body())
        .contains("-1021");
  }

  private HttpResponse<String> userTrades(String params) throws Exception {
    String query = params + "&timestamp=" + venue.serverTime();
    return send("GET", "/fapi/v1/userTrades", query + "&signature=" + sign(query), "");
  }

  private List<Long> tradeIds(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).isEqualTo(200);
    return JsonParser.parseString(answer.body()).getAsJsonArray().asList().stream()
        .map(e -> e.getAsJsonObject().get("id").getAsLong())
        .toList();
  }

  private void fill(Side side, String id) {
    try (BinanceGateway gateway = new BinanceGateway(venue.config(), venue.credentials())) {
      gateway.placeMarketOrder(
          new MarketOrderRequest(
              Symbol.of("BTCUSDT"), side, new BigDecimal("0.010"), ClientOrderId.of(id), false));
    }
  }

  @Test
  void userTrades_isSigned_likeTheOtherAccountEndpoints() throws Exception {
    String query = "symbol=BTCUSDT&timestamp=" + venue.serverTime();

    HttpResponse<String> unsigned = send("GET", "/fapi/v1/userTrades", query, "");
    HttpResponse<String> badlySigned =
        send("GET", "/fapi/v1/userTrades", query + "&signature=" + sign(query + "x"), "");

    assertThat(unsigned.statusCode()).isEqualTo(400);
    assertThat(unsigned.body()).contains("-1102").contains("signature");
    assertThat(badlySigned.statusCode()).isEqualTo(400);
    assertThat(badlySigned.body()).contains("-1022");
  }

  @Test
  void userTrades_refusesAWindowOver7Days_fromIdWithATime_anOversizedLimit_andNoSymbol()
      throws Exception {
    long now = venue.serverTime();
    long sevenDays = Duration.ofDays(7).toMillis();

    assertThat(
            userTrades("symbol=BTCUSDT&startTime=" + (now - sevenDays - 1) + "&endTime=" + now)
                .body())
        .contains("-1127");
    assertThat(userTrades("symbol=BTCUSDT&fromId=1&startTime=" + (now - 1000)).body())
        .contains("-1128");
    assertThat(userTrades("symbol=BTCUSDT&startTime=" + now + "&endTime=" + (now - 1)).body())
        .contains("-1128");
    assertThat(userTrades("symbol=BTCUSDT&limit=1001").body()).contains("-1130");
    assertThat(userTrades("limit=10").body()).contains("-1102").contains("symbol");
    assertThat(
            userTrades("symbol=BTCUSDT&startTime=" + (now - sevenDays) + "&endTime=" + now)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void userTrades_answersTheFillsOfItsWindow_oldestFirst_upToTheLimit() throws Exception {
    long before = venue.serverTime() - 1;
    fill(Side.BUY, "t1");
    fill(Side.BUY, "t2");
    fill(Side.SELL, "t3");
    long after = venue.serverTime() + 1;

    List<Long> all =
        tradeIds(userTrades("symbol=BTCUSDT&startTime=" + before + "&endTime=" + after));
    List<Long> firstTwo =
        tradeIds(
            userTrades("symbol=BTCUSDT&startTime=" + before + "&endTime=" + after + "&limit=2"));
    List<Long> newestTwo = tradeIds(userTrades("symbol=BTCUSDT&limit=2"));
    List<Long> later = tradeIds(userTrades("symbol=BTCUSDT&startTime=" + after));

    assertThat(all).hasSize(3).isSorted();
    assertThat(firstTwo).isEqualTo(all.subList(0, 2));
    assertThat(newestTwo).isEqualTo(all.subList(1, 3));
    assertThat(later).isEmpty();
    assertThat(tradeIds(userTrades("symbol=BTCUSDT&fromId=" + all.get(1))))
        .isEqualTo(all.subList(1, 3));
  }

  @Test
  void userTrades_withoutATime_coversTheLast7Days_andNothingIsKeptPast3Months() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-05-20T10:00:00Z"));
    venue.close();
    venue = BinanceEmulator.start(clock);
    venue.setMarkPrice("BTCUSDT", new BigDecimal("50000.00"));
    try (BinanceGateway gateway = new BinanceGateway(venue.config(), venue.credentials(), clock)) {
      gateway.placeMarketOrder(
          new MarketOrderRequest(
              Symbol.of("BTCUSDT"),
              Side.BUY,
              new BigDecimal("0.010"),
              ClientOrderId.of("old"),
              false));
      long filledAt = venue.serverTime();
      clock.advance(Duration.ofDays(8));

      assertThat(tradeIds(userTrades("symbol=BTCUSDT"))).isEmpty();
      assertThat(
              tradeIds(
                  userTrades(
                      "symbol=BTCUSDT&startTime=" + filledAt + "&endTime=" + (filledAt + 1))))
          .hasSize(1);

      clock.advance(Duration.ofDays(83));
      assertThat(
              tradeIds(
                  userTrades(
                      "symbol=BTCUSDT&startTime=" + filledAt + "&endTime=" + (filledAt + 1))))
          .isEmpty();
    }
  }

  private static final class Probe extends WebSocketClient {
    final List<String> received = new CopyOnWriteArrayList<>();
    final CountDownLatch open = new CountDownLatch(1);
    final CountDownLatch closed = new CountDownLatch(1);
    final CountDownLatch message = new CountDownLatch(1);

    Probe(URI uri) {
      super(uri);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
      open.countDown();
    }

    @Override
    public void onMessage(String text) {
      received.add(text);
      message.countDown();
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      closed.countDown();
    }

    @Override
    public void onError(Exception ex) {}
  }

  @Test
  void anUnroutedStreamPath_connectsButStaysSilent_whileTheRoutedOneGetsMarkPrices()
      throws Exception {
    Probe unrouted = new Probe(URI.create(venue.unroutedStreamUrl() + "/ws/btcusdt@markPrice@1s"));
    Probe routed = new Probe(URI.create(venue.marketStreamUrl() + "/ws/btcusdt@markPrice@1s"));
    try {
      assertThat(unrouted.connectBlocking(30, TimeUnit.SECONDS)).isTrue();
      assertThat(routed.connectBlocking(30, TimeUnit.SECONDS)).isTrue();

      // The venue pushes the mark every second; so does the test, until the routed stream has one
      // (the server may register the connection a moment after the client sees it open).
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      do {
        venue.setMarkPrice("BTCUSDT", new BigDecimal("50100.00"));
      } while (!routed.message.await(1, TimeUnit.SECONDS) && System.nanoTime() < until);

      assertThat(routed.message.getCount()).as("a mark on the routed stream").isZero();
      assertThat(routed.received.getFirst())
          .contains("\"e\":\"markPriceUpdate\"")
          .contains("50100.00");
      assertThat(unrouted.received).isEmpty();
    } finally {
      unrouted.closeBlocking();
      routed.closeBlocking();
    }
  }

  @Test
  void aUserStreamWithAnUnknownListenKey_isClosedByTheVenue() throws Exception {
    Probe probe = new Probe(URI.create(venue.privateStreamUrl() + "/ws/not-a-key"));

    probe.connectBlocking(30, TimeUnit.SECONDS);

    assertThat(probe.closed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(probe.received).isEmpty();
  }

  /** A close-position stop placed by hand, far from the mark so it never triggers. */
  private static Map<String, String> farStop(String symbol, String trigger, String clientAlgoId) {
    return Map.of(
        "symbol",
        symbol,
        "side",
        "SELL",
        "type",
        "STOP_MARKET",
        "triggerPrice",
        trigger,
        "closePosition",
        "true",
        "clientAlgoId",
        clientAlgoId);
  }

  @Test
  void openAlgoOrders_areCappedAcrossAllSymbols_andOneMoreIsRefusedWith4045() {
    venue.setMarkPrice("ETHUSDT", new BigDecimal("3000.00"));
    int cap = EmulatedVenue.MAX_OPEN_ALGO_ORDERS;
    for (int i = 0; i < cap - 1; i++) {
      venue.placeAlgoByHand(farStop("BTCUSDT", "40000.0", "cap-btc-" + i));
    }
    venue.placeAlgoByHand(farStop("ETHUSDT", "2000.00", "cap-eth-0"));
    assertThat(venue.openAlgoCount("ETHUSDT")).as("one on ETH: no per-symbol limit").isEqualTo(1);

    assertThatThrownBy(() -> venue.placeAlgoByHand(farStop("ETHUSDT", "2000.00", "cap-eth-1")))
        .isInstanceOfSatisfying(
            VenueError.class,
            e -> {
              assertThat(e.status).isEqualTo(400);
              assertThat(e.code).isEqualTo(-4045);
              assertThat(e.getMessage()).isEqualTo("Reach max stop order limit.");
            });
    assertThat(venue.algosWithClientId("cap-eth-1")).as("refused before any effect").isZero();

    // A cancelled order no longer counts: the slot is free again.
    venue.cancelAlgoExternally("cap-btc-0");
    venue.placeAlgoByHand(farStop("ETHUSDT", "2000.00", "cap-eth-1"));
    assertThat(venue.algoStatus("cap-eth-1")).contains("NEW");
  }
}
