package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import io.positionkeeper.binance.SharedFixtures;
import io.positionkeeper.binance.parse.EventMapper;
import io.positionkeeper.binance.parse.Json;
import io.positionkeeper.binance.parse.PortMapper;
import io.positionkeeper.binance.parse.RestDecoder;
import io.positionkeeper.binance.parse.StreamDecoder;
import io.positionkeeper.binance.parse.WireFormatException;
import io.positionkeeper.ports.model.StreamEvent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer over the venue's real payloads (the shared fixtures, read in place):
 * each payload is cut, has one value replaced by NaN, 1e400, a wrong type, a huge text or number,
 * loses a field, or names an unknown event, and is fed to every REST decoder and to the stream
 * decoder and mapper. Whatever the bytes, a parser answers with a value or a {@link
 * WireFormatException} that says what is wrong: never a raw NullPointerException,
 * ClassCastException, NumberFormatException, IllegalStateException or any other exception, which
 * the adapter would not recognise as bad data. The seed and the mutated payload are printed on
 * failure; {@code -Dfuzz.seed=N} replays one seed, {@code -Dfuzz.rounds=N} runs more.
 */
class BinancePayloadFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20261205L);
  private static final int ROUNDS = Integer.getInteger("fuzz.rounds", 40);

  /** The decoders a REST body may reach, each ending in the port's own value where one exists. */
  private static final Map<String, Consumer<JsonElement>> REST = new LinkedHashMap<>();

  static {
    REST.put("serverTime", RestDecoder::serverTime);
    REST.put("dualSidePosition", RestDecoder::dualSidePosition);
    REST.put("leverage", RestDecoder::leverage);
    REST.put("marginType", RestDecoder::marginTypeChanged);
    REST.put("listenKey", RestDecoder::listenKey);
    REST.put("order", e -> PortMapper.orderReport(RestDecoder.order(e)));
    REST.put("algoOrder", e -> PortMapper.stopOrder(RestDecoder.algoOrder(e)));
    REST.put("algoOrders", e -> RestDecoder.algoOrders(e).rows().forEach(PortMapper::stopOrder));
    REST.put("algoCancel", RestDecoder::algoCancel);
    REST.put("position", e -> PortMapper.position(RestDecoder.position(e)));
    REST.put("positions", e -> RestDecoder.positions(e).rows().forEach(PortMapper::position));
    REST.put("userTrades", RestDecoder::userTrades);
    REST.put("premiumIndex", e -> PortMapper.markPrice(RestDecoder.premiumIndex(e)));
    REST.put("exchangeInfo", e -> RestDecoder.exchangeInfo(e).symbols().forEach(PortMapper::rules));
  }

  @Test
  void everyParser_answersMutatedPayloads_withAValueOrATypedError() {
    List<Path> fixtures = fixtures();
    assertThat(fixtures).as("payload fixtures").hasSizeGreaterThan(20);
    ParserFuzz.assertMutationsTyped(fixtures, SEED, ROUNDS, BinancePayloadFuzzTest::feed);
  }

  @Test
  void theOriginalPayloads_onEveryParser_giveAValueOrATypedError() {
    ParserFuzz.assertOriginalsTyped(fixtures(), BinancePayloadFuzzTest::feed);
  }

  @Test
  void aMarkPriceOutOfAnyVenuesRange_isBadData_notAPrice() {
    String real = ParserFuzz.fixture(fixtures(), "ws_mark_price_update_real");
    for (String absurd : List.of("1e400", "1E+2147483648", "1" + "0".repeat(100))) {
      String frame = real.replaceFirst("\"p\":\"[0-9.]+\"", "\"p\":\"" + absurd + "\"");
      assertThat(frame).contains(absurd);
      assertThatThrownBy(() -> StreamDecoder.decode(frame))
          .as("mark price %s", absurd)
          .isInstanceOf(WireFormatException.class)
          .hasMessageContaining("out of range");
    }
  }

  private static void feed(String where, String payload, List<String> escaped) {
    check(escaped, where, "errorBody", payload, () -> RestDecoder.errorBody(payload));
    JsonElement tree;
    try {
      tree = Json.parse(payload);
    } catch (WireFormatException expected) {
      tree = null;
    } catch (RuntimeException | StackOverflowError e) {
      ParserFuzz.check(
          escaped,
          where,
          "Json.parse",
          payload,
          WireFormatException.class,
          () -> {
            throw e;
          });
      tree = null;
    }
    if (tree != null) {
      JsonElement parsed = tree;
      REST.forEach(
          (name, decoder) -> check(escaped, where, name, payload, () -> decoder.accept(parsed)));
    }
    check(
        escaped,
        where,
        "stream",
        payload,
        () ->
            EventMapper.map(
                StreamDecoder.decode(payload),
                new EventMapper.Sink() {
                  @Override
                  public void event(StreamEvent event) {}

                  @Override
                  public void problem(String description) {}
                }));
  }

  private static void check(
      List<String> escaped, String where, String parser, String payload, Runnable call) {
    ParserFuzz.check(escaped, where, parser, payload, WireFormatException.class, call);
  }

  private static List<Path> fixtures() {
    return ParserFuzz.jsonFiles(SharedFixtures.binanceOrSkip());
  }
}
