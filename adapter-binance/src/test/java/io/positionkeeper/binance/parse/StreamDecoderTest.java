package io.positionkeeper.binance.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Our own payloads, written from the documented formats, for the edges the fixtures lack. */
class StreamDecoderTest {

  private static final String ORDER =
      "{\"e\":\"ORDER_TRADE_UPDATE\",\"E\":1766412825840,\"T\":1766412825838,\"o\":{"
          + "\"s\":\"ETHUSDT\",\"c\":\"entry-1\",\"S\":\"BUY\",\"o\":\"MARKET\",\"f\":\"GTC\","
          + "\"q\":\"0.007\",\"p\":\"0\",\"ap\":\"3057.89000\",\"sp\":\"0\",\"x\":\"TRADE\","
          + "\"X\":\"FILLED\",\"i\":8389766058155948588,\"l\":\"0.007\",\"z\":\"0.007\","
          + "\"L\":\"3057.89\",\"T\":1766412825838,\"t\":9007199254740993,\"R\":false,"
          + "\"ps\":\"BOTH\",\"rp\":\"0\",\"brandNewField\":{\"x\":[1,2]}}}";

  @Test
  void idsAbove2pow53_areReadExactly() {
    var o = (StreamMessage.OrderUpdate) StreamDecoder.decode(ORDER);

    assertThat(o.orderId()).isEqualTo(8_389_766_058_155_948_588L);
    assertThat(o.tradeId()).isEqualTo(9_007_199_254_740_993L);
    assertThat(o.averagePrice()).isEqualTo(new BigDecimal("3057.89000"));
  }

  @Test
  void decimalsSentAsJsonNumbers_stayExact() {
    var m =
        (StreamMessage.MarkPriceUpdate)
            StreamDecoder.decode(
                "{\"e\":\"markPriceUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"p\":0.1000000000000000055511}");

    assertThat(m.markPrice()).isEqualTo(new BigDecimal("0.1000000000000000055511"));
  }

  @Test
  void combinedStreamWrapper_andMarkPriceArrays_areUnwrapped() {
    var single =
        StreamDecoder.decode(
            "{\"stream\":\"btcusdt@markPrice@1s\",\"data\":{\"e\":\"markPriceUpdate\",\"E\":5,"
                + "\"s\":\"BTCUSDT\",\"p\":\"1.5\"}}");
    var batch =
        StreamDecoder.decode(
            "{\"stream\":\"!markPrice@arr@1s\",\"data\":[{\"e\":\"markPriceUpdate\",\"E\":5,"
                + "\"s\":\"BTCUSDT\",\"p\":\"1.5\"},{\"e\":\"markPriceUpdate\",\"E\":5,"
                + "\"s\":\"ETHUSDT\",\"p\":\"2.5\"}]}");

    assertThat(single)
        .isEqualTo(new StreamMessage.MarkPriceUpdate(5, "BTCUSDT", new BigDecimal("1.5")));
    assertThat(((StreamMessage.MarkPriceBatch) batch).updates()).hasSize(2);
  }

  @Test
  void unknownEventTypes_areKnownAsOther_notErrors() {
    assertThat(StreamDecoder.decode("{\"e\":\"ACCOUNT_CONFIG_UPDATE\",\"E\":7,\"ac\":{}}"))
        .isEqualTo(new StreamMessage.Other("ACCOUNT_CONFIG_UPDATE", 7));
  }

  @Test
  void subscriptionReplies_areRecognised() {
    assertThat(StreamDecoder.decode("{\"result\":null,\"id\":3}"))
        .isEqualTo(new StreamMessage.SubscriptionReply(3, ""));
    assertThat(
            ((StreamMessage.SubscriptionReply)
                    StreamDecoder.decode(
                        "{\"error\":{\"code\":2,\"msg\":\"Invalid request\"},\"id\":4}"))
                .error())
        .contains("Invalid request");
  }

  @Test
  void aMissingOrMalformedField_namesTheEventAndTheField() {
    assertThatThrownBy(() -> StreamDecoder.decode(ORDER.replace("\"i\":8389766058155948588,", "")))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("ORDER_TRADE_UPDATE")
        .hasMessageContaining("'i'");
    assertThatThrownBy(
            () -> StreamDecoder.decode(ORDER.replace("\"z\":\"0.007\"", "\"z\":\"seven\"")))
        .hasMessageContaining("'z' is not a decimal: 'seven'");
    assertThatThrownBy(
            () ->
                StreamDecoder.decode(
                    ORDER.replace("8389766058155948588", "8.389766058155948588E18")))
        .hasMessageContaining("'i' is not a 64-bit integer");
    assertThatThrownBy(
            () ->
                StreamDecoder.decode(
                    "{\"e\":\"ACCOUNT_UPDATE\",\"E\":1,\"a\":{\"P\":[{\"s\":\"BTCUSDT\"}]}}"))
        .hasMessageContaining("a.P[0]")
        .hasMessageContaining("'pa'");
    assertThatThrownBy(() -> StreamDecoder.decode("{\"e\":\"ORDER_TRADE_"))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void tradeLite_isReadWithItsBigOrderId() {
    var t =
        (StreamMessage.TradeLite)
            StreamDecoder.decode(
                "{\"e\":\"TRADE_LITE\",\"E\":1,\"T\":1,\"s\":\"BTCUSDT\",\"q\":\"0.001\",\"p\":\"0\","
                    + "\"m\":false,\"c\":\"x\",\"S\":\"BUY\",\"L\":\"50000\",\"l\":\"0.001\","
                    + "\"t\":1,\"i\":8389765739703625592}");

    assertThat(t.orderId()).isEqualTo(8_389_765_739_703_625_592L);
    assertThat(t.lastFilledPrice()).isEqualByComparingTo("50000");
  }
}
