package io.positionkeeper.bybit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.positionkeeper.bybit.http.RetCode;
import io.positionkeeper.bybit.parse.EventMapper;
import io.positionkeeper.bybit.parse.Fill;
import io.positionkeeper.bybit.parse.Frame;
import io.positionkeeper.bybit.parse.PositionStop;
import io.positionkeeper.bybit.parse.Rest;
import io.positionkeeper.bybit.parse.TickerBook;
import io.positionkeeper.bybit.parse.Wire;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reads every payload in the shared Bybit fixtures, in place, through the adapter's own readers. A
 * fixture without a check here fails the test, so a new payload cannot be passed over.
 */
class FixtureConformanceTest {
  private static final EventMapper MAPPER =
      new EventMapper(s -> ClientOrderId.of("bybit-sl-" + s.value()));

  private final Map<String, Consumer<String>> checks =
      Map.ofEntries(
          Map.entry("error_10002_timestamp_real.json", FixtureConformanceTest::clockSkew),
          Map.entry("instruments_info_linear_response.json", FixtureConformanceTest::instruments),
          Map.entry("order_cancel_response.json", t -> orderAck(t, "linear-004")),
          Map.entry("order_create_response.json", t -> orderAck(t, "spot-test-postonly")),
          Map.entry("order_history_response.json", FixtureConformanceTest::orderHistory),
          Map.entry("order_realtime_response.json", FixtureConformanceTest::orderRealtime),
          Map.entry("position_list_linear_synthetic.json", FixtureConformanceTest::linearPositions),
          Map.entry("position_list_response_inverse_docs.json", FixtureConformanceTest::inverse),
          Map.entry("response_envelope_empty.json", FixtureConformanceTest::emptyOk),
          Map.entry("server_time_response.json", FixtureConformanceTest::serverTime),
          Map.entry("set_leverage_response.json", FixtureConformanceTest::emptyOk),
          Map.entry("tickers_inverse_response_docs.json", FixtureConformanceTest::tickers),
          Map.entry("trading_stop_request_body.json", FixtureConformanceTest::tradingStopBody),
          Map.entry("trading_stop_response.json", FixtureConformanceTest::emptyOk),
          Map.entry("ws_auth_success.json", FixtureConformanceTest::authSuccess),
          Map.entry("ws_execution.json", FixtureConformanceTest::execution),
          Map.entry("ws_order_linear_synthetic.json", FixtureConformanceTest::cancelledStop),
          Map.entry(
              "ws_order_linear_untriggered_stoploss_synthetic.json",
              FixtureConformanceTest::untriggeredStop),
          Map.entry("ws_order_option_docs.json", FixtureConformanceTest::optionIgnored),
          Map.entry(
              "ws_pong_private.json", t -> assertThat(Frame.of(t)).isInstanceOf(Frame.Pong.class)),
          Map.entry(
              "ws_pong_public_linear.json",
              t -> assertThat(Frame.of(t)).isInstanceOf(Frame.Pong.class)),
          Map.entry("ws_position.json", FixtureConformanceTest::flatStreamPosition),
          Map.entry("ws_subscribe_ack_private.json", FixtureConformanceTest::subscribed),
          Map.entry("ws_subscribe_ack_public_linear.json", FixtureConformanceTest::subscribed),
          Map.entry("ws_tickers_linear_snapshot.json", FixtureConformanceTest::tickerSnapshot),
          Map.entry("ws_wallet.json", FixtureConformanceTest::walletIgnored));

  @Test
  void everyFixture_isReadByTheAdapter_andHasACheck() throws IOException {
    Path dir = SharedFixtures.bybitOrSkip();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      String name = f.getFileName().toString();
      assertThat(checks).as("a check for fixture " + name).containsKey(name);
      checks.get(name).accept(Files.readString(f));
    }
  }

  private static JsonObject result(String text) {
    JsonObject e = Wire.object(text);
    assertThat(RetCode.of((int) Wire.number(e, "retCode"))).isEqualTo(RetCode.OK);
    return Wire.child(e, "result");
  }

  private static void clockSkew(String text) {
    JsonObject e = Wire.object(text);
    assertThat(RetCode.of((int) Wire.number(e, "retCode"))).isEqualTo(RetCode.CLOCK_SKEW);
  }

  private static void emptyOk(String text) {
    assertThat(result(text).entrySet()).isEmpty();
  }

  private static void serverTime(String text) {
    assertThat(Wire.millis(Wire.object(text), "time"))
        .isEqualTo(Instant.ofEpochMilli(1688639403423L));
    assertThat(Wire.text(result(text), "timeSecond")).isEqualTo("1688639403");
  }

  private static void instruments(String text) {
    InstrumentRules rules = Rest.instrument(Rest.list(result(text)).get(0));
    assertThat(rules.symbol()).isEqualTo(Symbol.of("BTCUSDT"));
    assertThat(rules.tickSize()).isEqualByComparingTo("0.10");
    assertThat(rules.stepSize()).isEqualByComparingTo("0.001");
    assertThat(rules.minQuantity()).isEqualByComparingTo("0.001");
    assertThat(rules.maxQuantity()).isEqualByComparingTo("500"); // maxMktOrderQty, not 1190
    assertThat(rules.minNotional()).isEqualByComparingTo("5");
  }

  private static void orderAck(String text, String linkId) {
    assertThat(Wire.text(result(text), "orderLinkId")).isEqualTo(linkId);
    assertThat(Wire.text(result(text), "orderId")).isNotBlank();
  }

  private static void orderRealtime(String text) {
    OrderReport r = Rest.order(Rest.list(result(text)).get(0));
    assertThat(r.clientOrderId()).isEqualTo(ClientOrderId.of("test-000005"));
    assertThat(r.status()).isEqualTo(OrderStatus.NEW);
    assertThat(r.side()).isEqualTo(Side.BUY);
    assertThat(r.averagePrice()).isZero();
  }

  private static void orderHistory(String text) {
    OrderReport r = Rest.order(Rest.list(result(text)).get(0));
    assertThat(r.status()).isEqualTo(OrderStatus.CANCELED);
    assertThat(r.hasFill()).isFalse();
  }

  private static void linearPositions(String text) {
    List<JsonObject> rows = Rest.list(result(text));
    List<ExchangePosition> positions =
        rows.stream().map(r -> Rest.position(r, "avgPrice", Instant.EPOCH)).toList();
    assertThat(positions.get(0).signedSize()).isEqualByComparingTo("0.5");
    assertThat(positions.get(0).entryPrice()).isEqualByComparingTo("50000");
    assertThat(positions.get(1).signedSize()).isEqualByComparingTo("-5");
    assertThat(positions.get(2).isFlat()).isTrue(); // side "" and size "0"
    assertThat(positions.stream().filter(p -> !p.isFlat())).hasSize(2);
    Optional<PositionStop> btcStop = Rest.stop(rows.get(0), Instant.EPOCH);
    assertThat(btcStop)
        .hasValueSatisfying(
            s -> {
              assertThat(s.side()).isEqualTo(PositionSide.LONG);
              assertThat(s.trigger()).isEqualByComparingTo("48000");
            });
    assertThat(Rest.stop(rows.get(1), Instant.EPOCH))
        .hasValueSatisfying(s -> assertThat(s.side()).isEqualTo(PositionSide.SHORT));
    assertThat(Rest.stop(rows.get(2), Instant.EPOCH)).isEmpty();
  }

  private static void inverse(String text) {
    ExchangePosition p = Rest.position(Rest.list(result(text)).get(0), "avgPrice", Instant.EPOCH);
    assertThat(p.signedSize()).isEqualByComparingTo("-300");
    assertThat(p.entryPrice()).isEqualByComparingTo("27464.50441675");
  }

  private static void tickers(String text) {
    assertThat(Wire.requiredDecimal(Rest.list(result(text)).get(0), "markPrice"))
        .isEqualByComparingTo("114898.43");
  }

  private static void tradingStopBody(String text) {
    // The docs' example is a Partial stop by index price: the kind this adapter neither places nor
    // lists as a whole-position stop.
    JsonObject body = Wire.object(text);
    assertThat(Wire.text(body, "tpslMode")).isEqualTo("Partial");
    assertThat(Wire.number(body, "positionIdx")).isZero();
  }

  private static void authSuccess(String text) {
    assertThat(Frame.of(text)).isEqualTo(new Frame.AuthResult(true, ""));
  }

  private static void subscribed(String text) {
    assertThat(Frame.of(text)).isEqualTo(new Frame.SubscribeResult(true, ""));
  }

  private static Frame.Private privateFrame(String text) {
    Frame f = Frame.of(text);
    assertThat(f).isInstanceOf(Frame.Private.class);
    return (Frame.Private) f;
  }

  private static void execution(String text) {
    Frame.Private p = privateFrame(text);
    Fill fill = Rest.fill(p.rows().get(0));
    assertThat(fill.side()).isEqualTo(Side.SELL);
    assertThat(fill.closedSize()).isEqualByComparingTo("0.5");
    assertThat(fill.price()).isEqualByComparingTo("95900.1");
    assertThat(fill.orderLinkId()).isEmpty(); // "" is absent
    assertThat(fill.isTrade()).isTrue();
    assertThat(MAPPER.map(p)).isEmpty();
  }

  private static void untriggeredStop(String text) {
    List<StreamEvent> events = MAPPER.map(privateFrame(text));
    assertThat(events)
        .singleElement()
        .isInstanceOfSatisfying(
            StreamEvent.StopChanged.class,
            s -> {
              assertThat(s.status()).isEqualTo(StopStatus.WORKING);
              assertThat(s.triggerPrice()).isEqualByComparingTo("48000");
              assertThat(s.clientId().value()).isEqualTo("bybit-sl-BTCUSDT");
            });
  }

  private static void cancelledStop(String text) {
    assertThat(MAPPER.map(privateFrame(text)))
        .singleElement()
        .isInstanceOfSatisfying(
            StreamEvent.StopChanged.class,
            s -> assertThat(s.status()).isEqualTo(StopStatus.CANCELED));
  }

  private static void optionIgnored(String text) {
    assertThat(MAPPER.map(privateFrame(text))).isEmpty();
  }

  private static void walletIgnored(String text) {
    assertThat(MAPPER.map(privateFrame(text))).isEmpty();
  }

  private static void flatStreamPosition(String text) {
    assertThat(MAPPER.map(privateFrame(text)))
        .singleElement()
        .isInstanceOfSatisfying(
            StreamEvent.PositionChanged.class,
            p -> {
              assertThat(p.signedSize()).isZero();
              assertThat(p.side()).isEmpty();
            });
  }

  private static void tickerSnapshot(String text) {
    Frame f = Frame.of(text);
    assertThat(f).isInstanceOf(Frame.Ticker.class);
    Frame.Ticker t = (Frame.Ticker) f;
    TickerBook book = new TickerBook();
    assertThat(book.merge(t.symbol(), t.type(), Wire.decimal(t.data(), "markPrice")))
        .contains(new BigDecimal("66666.60"));
    // A delta without markPrice (B5: live deltas carry only what changed) keeps the mark.
    assertThat(book.merge(t.symbol(), "delta", Optional.empty()))
        .contains(new BigDecimal("66666.60"));
  }
}
