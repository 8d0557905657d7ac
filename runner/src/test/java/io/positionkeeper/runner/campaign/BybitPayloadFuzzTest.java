package io.positionkeeper.runner.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.positionkeeper.bybit.SharedFixtures;
import io.positionkeeper.bybit.parse.EventMapper;
import io.positionkeeper.bybit.parse.Frame;
import io.positionkeeper.bybit.parse.Rest;
import io.positionkeeper.bybit.parse.TickerBook;
import io.positionkeeper.bybit.parse.Wire;
import io.positionkeeper.bybit.parse.WireFormatException;
import io.positionkeeper.ports.model.ClientOrderId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The Bybit side of the payload fuzzer (see {@link BinancePayloadFuzzTest}): the venue's real
 * payloads, mutated by a seed, fed to the REST envelope and every row reader, and to the stream's
 * frame classifier, row mapper and ticker book. A parser answers with a value or a {@link
 * WireFormatException}; any other exception escaping is a finding.
 */
class BybitPayloadFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20261205L);
  private static final int ROUNDS = Integer.getInteger("fuzz.rounds", 40);

  /** The row readers a REST answer's {@code result.list} rows reach. */
  private static final Map<String, Consumer<JsonObject>> ROWS = new LinkedHashMap<>();

  static {
    ROWS.put("instrument", Rest::instrument);
    ROWS.put("order", Rest::order);
    ROWS.put("position", r -> Rest.position(r, "avgPrice", Instant.EPOCH));
    ROWS.put("stop", r -> Rest.stop(r, Instant.EPOCH));
    ROWS.put("fill", Rest::fill);
  }

  @Test
  void everyParser_answersMutatedPayloads_withAValueOrATypedError() {
    List<Path> fixtures = fixtures();
    assertThat(fixtures).as("payload fixtures").hasSizeGreaterThan(15);
    ParserFuzz.assertMutationsTyped(fixtures, SEED, ROUNDS, BybitPayloadFuzzTest::feed);
  }

  @Test
  void theOriginalPayloads_onEveryParser_giveAValueOrATypedError() {
    ParserFuzz.assertOriginalsTyped(fixtures(), BybitPayloadFuzzTest::feed);
  }

  @Test
  void aMarkPriceOutOfAnyVenuesRange_isBadData_notAPrice() {
    String real = ParserFuzz.fixture(fixtures(), "ws_tickers_linear_snapshot");
    for (String absurd : List.of("1e400", "1E+2147483648", "1" + "0".repeat(100))) {
      String text =
          real.replaceFirst("\"markPrice\": \"[0-9.]+\"", "\"markPrice\": \"" + absurd + "\"");
      assertThat(text).contains(absurd);
      Frame.Ticker ticker = (Frame.Ticker) Frame.of(text);
      assertThatThrownBy(() -> Wire.decimal(ticker.data(), "markPrice"))
          .as("mark price %s", absurd)
          .isInstanceOf(WireFormatException.class)
          .hasMessageContaining("out of range");
    }
  }

  private static void feed(String where, String payload, List<String> escaped) {
    check(escaped, where, "rest", payload, () -> rest(payload));
    check(escaped, where, "stream", payload, () -> stream(payload));
  }

  /** As the REST transport reads an answer: the envelope, then each row of its result. */
  private static void rest(String payload) {
    JsonObject envelope = Wire.object(payload);
    Wire.number(envelope, "retCode");
    Wire.optionalText(envelope, "retMsg");
    if (envelope.has("time")) {
      Wire.millis(envelope, "time");
    }
    JsonObject result =
        envelope.has("result") && envelope.get("result").isJsonObject()
            ? envelope.getAsJsonObject("result")
            : new JsonObject();
    List<JsonObject> rows = Rest.list(result);
    List<String> rowEscapes = new ArrayList<>();
    for (JsonObject row : rows) {
      ROWS.forEach(
          (name, reader) ->
              check(rowEscapes, "row", name, row.toString(), () -> reader.accept(row)));
    }
    if (!rowEscapes.isEmpty()) {
      throw new AssertionError(String.join("\n", rowEscapes));
    }
  }

  /** As the streams read a message: classify it, then map its rows or its ticker. */
  private static void stream(String payload) {
    switch (Frame.of(payload)) {
      case Frame.Private p -> {
        if ("execution".equals(p.topic())) {
          p.rows().forEach(EventMapper::corporateAction);
        }
        new EventMapper(symbol -> ClientOrderId.of("fuzz-stop")).map(p);
      }
      case Frame.Ticker t ->
          new TickerBook().merge(t.symbol(), t.type(), Wire.decimal(t.data(), "markPrice"));
      case Frame.Pong p -> {}
      case Frame.AuthResult a -> {}
      case Frame.SubscribeResult s -> {}
      case Frame.Other o -> {}
    }
  }

  private static void check(
      List<String> escaped, String where, String parser, String payload, Runnable call) {
    ParserFuzz.check(escaped, where, parser, payload, WireFormatException.class, call);
  }

  private static List<Path> fixtures() {
    return ParserFuzz.jsonFiles(SharedFixtures.bybitOrSkip());
  }
}
