package io.positionkeeper.bybit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.positionkeeper.bybit.parse.EventMapper;
import io.positionkeeper.bybit.parse.Frame;
import io.positionkeeper.bybit.parse.Wire;
import io.positionkeeper.bybit.parse.WireFormatException;
import io.positionkeeper.ports.model.ClientOrderId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader of stream messages keeps only the row fields the adapter reads: every
 * message of the shared fixtures, and the shapes the benchmark measures, map to the same events as
 * through a full Gson tree of the message.
 */
class StreamingFrameTest {
  private static final String FILLED_ORDER =
      "{\"id\":\"5923240c6880ab-c59f\",\"topic\":\"order\",\"creationTime\":1697682317044,\"data\":[{\"symbol\":\"BTCUSDT\",\"orderId\":\"fd4300ae-7847-404e-b947-b46980a40001\",\"side\":\"Sell\",\"orderType\":\"Market\",\"cancelType\":\"UNKNOWN\",\"price\":\"72.5\",\"qty\":\"0.010\",\"orderIv\":\"\",\"timeInForce\":\"IOC\",\"orderStatus\":\"Filled\",\"orderLinkId\":\"\",\"reduceOnly\":true,\"leavesQty\":\"0\",\"cumExecQty\":\"0.010\",\"cumExecValue\":\"629.5\",\"avgPrice\":\"62950\",\"positionIdx\":0,\"cumFeeDetail\":{\"USDT\":\"1.5\"},\"closedPnl\":\"-10.5\",\"createdTime\":\"1697682317000\",\"updatedTime\":\"1697682317044\",\"stopOrderType\":\"StopLoss\",\"triggerPrice\":\"63000\",\"closeOnTrigger\":true,\"category\":\"linear\",\"smpGroup\":0}]}";
  private static final String OPEN_POSITION =
      "{\"id\":\"1003076014fb7eedb\",\"topic\":\"position\",\"creationTime\":1697682317044,\"data\":[{\"positionIdx\":0,\"riskId\":1,\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"size\":\"0.010\",\"entryPrice\":\"28184.5\",\"sessionAvgPrice\":\"\",\"leverage\":\"10\",\"markPrice\":\"28184.5\",\"stopLoss\":\"27000\",\"liqPrice\":\"\",\"updatedTime\":\"1697682317044\",\"tpslMode\":\"Full\",\"category\":\"linear\",\"seq\":8327597863,\"isReduceOnly\":false,\"openTime\":1694402496913}]}";

  @Test
  void everyFixtureAndMeasuredShape_mapsAsThroughAFullTree() throws IOException {
    List<String> messages = new ArrayList<>(List.of(FILLED_ORDER, OPEN_POSITION));
    try (Stream<Path> s = Files.list(SharedFixtures.bybitOrSkip())) {
      for (Path f :
          s.filter(
                  p ->
                      p.getFileName().toString().startsWith("ws_")
                          && p.toString().endsWith(".json"))
              .toList()) {
        messages.add(Files.readString(f));
      }
    }
    assertThat(messages).hasSizeGreaterThan(10);
    for (String text : messages) {
      Frame streamed = Frame.of(text);
      Frame tree = treeFrame(text);
      if (tree instanceof Frame.Private p) {
        assertThat(streamed).isInstanceOf(Frame.Private.class);
        Frame.Private q = (Frame.Private) streamed;
        assertThat(q.topic()).isEqualTo(p.topic());
        assertThat(q.creationTime()).isEqualTo(p.creationTime());
        assertThat(mapper().map(q)).as(text).isEqualTo(mapper().map(p));
      } else {
        assertThat(streamed).as(text).isEqualTo(tree);
      }
    }
  }

  @Test
  void aFilledStopOrder_keepsWhatTheMapperNeeds_andDropsTheRest() {
    Frame.Private p = (Frame.Private) Frame.of(FILLED_ORDER);
    JsonObject row = p.rows().get(0);

    assertThat(row.has("cumFeeDetail")).isFalse();
    assertThat(row.has("smpGroup")).isFalse();
    assertThat(Wire.flag(row, "reduceOnly")).isTrue();
    assertThat(Wire.text(row, "cumExecValue")).isEqualTo("629.5");
  }

  @Test
  void brokenMessages_areRefusedSayingWhy() {
    assertThatThrownBy(() -> Frame.of("[1,2]")).isInstanceOf(WireFormatException.class);
    assertThatThrownBy(() -> Frame.of("{\"topic\":\"order\",\"data\":[1]}"))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("not an object");
    assertThatThrownBy(() -> Frame.of("{\"topic\":\"order\",\"data\":[{\"symbol\":"))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> Frame.of("{\"topic\":\"tickers.BTCUSDT\",\"data\":{}}"))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("'type'");
  }

  private static EventMapper mapper() {
    return new EventMapper(s -> ClientOrderId.of("bybit-sl-" + s.value()));
  }

  /** The message as the whole Gson tree: how the adapter read it before the streaming reader. */
  static Frame treeFrame(String text) {
    JsonObject m = Wire.object(text);
    String topic = Wire.optionalText(m, "topic").orElse("");
    if (!topic.isEmpty()
        && !topic.startsWith("tickers.")
        && m.has("data")
        && m.get("data").isJsonArray()) {
      List<JsonObject> rows = new ArrayList<>();
      for (JsonElement e : m.getAsJsonArray("data")) {
        rows.add(e.getAsJsonObject());
      }
      return new Frame.Private(
          topic, m.has("creationTime") ? Wire.number(m, "creationTime") : 0, rows);
    }
    return Frame.of(text); // control frames and tickers: small, read whole either way
  }
}
