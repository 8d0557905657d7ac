package io.positionkeeper.binance.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.positionkeeper.binance.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fast scanner must read exactly what Gson's reader reads, or decline: on the shared fixtures,
 * on our own frames, and on thousands of seeded random variations (shuffled keys, whitespace,
 * unknown nested members, escapes, corruption, truncation).
 */
class FastScannerDifferentialTest {

  static final List<String> FRAMES =
      List.of(
          "{\"e\":\"ORDER_TRADE_UPDATE\",\"T\":1766412825838,\"E\":1766412825840,\"o\":{\"s\":\"ETHUSDT\",\"c\":\"pk-1\",\"S\":\"BUY\",\"o\":\"MARKET\",\"f\":\"GTC\",\"q\":\"0.007\",\"p\":\"0\",\"ap\":\"3057.89000\",\"sp\":\"0\",\"x\":\"TRADE\",\"X\":\"FILLED\",\"i\":8389766058155948588,\"l\":\"0.007\",\"z\":\"0.007\",\"L\":\"3057.89\",\"N\":\"USDT\",\"n\":\"0.0107\",\"T\":1766412825838,\"t\":5392139091,\"b\":\"0\",\"a\":\"0\",\"m\":false,\"R\":false,\"wt\":\"CONTRACT_PRICE\",\"ot\":\"MARKET\",\"ps\":\"BOTH\",\"cp\":false,\"rp\":\"0\",\"pP\":false,\"si\":0,\"ss\":0,\"V\":\"EXPIRE_MAKER\",\"pm\":\"NONE\",\"gtd\":0,\"er\":\"0\"}}",
          "{\"e\":\"ACCOUNT_UPDATE\",\"T\":1,\"E\":2,\"a\":{\"m\":\"ORDER\",\"B\":[{\"a\":\"USDT\",\"wb\":\"1.5\",\"cw\":\"1\",\"bc\":\"0\"}],\"P\":[{\"s\":\"BTCUSDT\",\"pa\":\"-0.010\",\"ep\":\"50000.1\",\"bep\":\"0\",\"cr\":\"0\",\"up\":\"0\",\"mt\":\"cross\",\"iw\":\"0\",\"ps\":\"BOTH\"}]}}",
          "{\"e\":\"ALGO_UPDATE\",\"T\":1,\"E\":2,\"o\":{\"caid\":\"sl-1\",\"aid\":1000000033225453,\"at\":\"CONDITIONAL\",\"o\":\"STOP_MARKET\",\"s\":\"BTCUSDT\",\"S\":\"SELL\",\"ps\":\"BOTH\",\"X\":\"FINISHED\",\"ai\":\"88937381063\",\"ap\":\"49000\",\"aq\":\"0.010\",\"tp\":\"49000\",\"cp\":true,\"rm\":\"\"}}",
          "{\"e\":\"TRADE_LITE\",\"E\":1,\"T\":1,\"s\":\"BTCUSDT\",\"q\":\"0.001\",\"p\":\"0\",\"m\":false,\"c\":\"x\",\"S\":\"BUY\",\"L\":\"50000\",\"l\":\"0.001\",\"t\":1,\"i\":8389765739703625592}",
          "{\"stream\":\"btcusdt@markPrice@1s\",\"data\":{\"e\":\"markPriceUpdate\",\"E\":5,\"s\":\"BTCUSDT\",\"p\":\"79107.36658171\",\"ap\":\"1\",\"P\":\"2\",\"i\":\"3\",\"r\":\"0.0001\",\"T\":6,\"st\":1}}",
          "[{\"e\":\"markPriceUpdate\",\"E\":5,\"s\":\"BTCUSDT\",\"p\":\"1.5\"},{\"e\":\"markPriceUpdate\",\"E\":6,\"s\":\"ETHUSDT\",\"p\":\"2.5\"}]",
          "{\"e\":\"listenKeyExpired\",\"E\":\"1736996475556\",\"listenKey\":\"abc\"}",
          "{\"result\":null,\"id\":3}",
          "{\"error\":{\"code\":2,\"msg\":\"Invalid request\"},\"id\":4}",
          "{\"e\":\"MARGIN_CALL\",\"E\":7,\"cw\":\"3.1\",\"p\":[{\"s\":\"ETHUSDT\"}]}");

  /** What a frame decodes to, or the error it raises. */
  private static Object outcome(
      java.util.function.Function<String, StreamMessage> decoder, String frame) {
    try {
      return decoder.apply(frame);
    } catch (WireFormatException e) {
      return "error";
    }
  }

  private static void same(String frame) {
    Object fast = outcome(StreamDecoder::decode, frame);
    Object gson = outcome(StreamDecoder::decodeWithGson, frame);
    if (!fast.equals(gson)) {
      fail("fast path read %s but Gson read %s for frame%n%s", fast, gson, frame);
    }
  }

  @Test
  void ordinaryFrames_takeTheFastPath_andReadAsGsonReadsThem() {
    for (String frame : FRAMES) {
      same(frame);
    }
    for (String frame : FRAMES.subList(0, 8)) {
      assertThat(FastScanner.scan(frame)).as(frame).isNotNull();
    }
  }

  @Test
  void sharedFixtures_readTheSameOnBothPaths() throws IOException {
    Path dir = SharedFixtures.binanceOrSkip();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("ws_")).toList()) {
        same(Files.readString(f));
      }
    }
  }

  @Test
  void malformedOrUnusualFrames_areDeclined_soGsonDecides() {
    List<String> odd =
        List.of(
            "{\"e\":\"TRADE_LITE\",\"E\":1,}",
            "{\"e\":\"markPriceUpdate\" \"E\":1}",
            "{\"e\":\"markPriceUpdate\",\"E\":01,\"s\":\"BTCUSDT\",\"p\":\"1\"}",
            "{\"e\":\"markPriceUpdate\",\"E\":1,\"s\":\"BTC\\u0055SDT\",\"p\":\"1\"}",
            "{\"e\":\"markPriceUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"p\":\"1\"} x",
            "{\"e\":\"markPriceUpdate\",\"E\":1.,\"s\":\"BTCUSDT\",\"p\":\"1\"}",
            "{\"e\":\"markPriceUpdate\",\"x\":\"bad \\q escape\",\"E\":1,\"s\":\"BTCUSDT\",\"p\":\"1\"}",
            "{\"e\":\"markPriceUpdate\",\"E\":TRUE,\"s\":\"BTCUSDT\",\"p\":\"1\"}",
            "");
    for (String frame : odd) {
      assertThat(FastScanner.scan(frame)).as(frame).isNull();
      same(frame);
    }
  }

  @Test
  void randomVariations_readTheSameOnBothPaths() {
    Random random = new Random(20260302L);
    int fastTaken = 0;
    for (int round = 0; round < 4000; round++) {
      String base = FRAMES.get(random.nextInt(FRAMES.size()));
      String frame = vary(base, random);
      same(frame);
      if (FastScanner.scan(frame) != null) {
        fastTaken++;
      }
    }
    assertThat(fastTaken).as("variations the fast path read itself").isGreaterThan(1000);
  }

  private static final String[] EXTRAS = {
    "\"zz\":{\"a\":[1,2,{\"b\":null}],\"c\":\"}\"}",
    "\"note\":\"quote \\\" and \\\\ and \\u00e9\"",
    "\"n2\":-0.5e-3",
    "\"flag\":true",
    "\"nothing\":null",
    "\"arr\":[]",
    "\"obj\":{}"
  };

  private static String vary(String base, Random random) {
    String frame = base;
    switch (random.nextInt(7)) {
      case 0 -> frame = frame.replace(",", random.nextBoolean() ? " ,\n " : ",\t");
      case 1 -> frame = frame.replace(":", " : ");
      case 2 -> {
        int brace = frame.indexOf('{');
        if (brace >= 0) {
          String extra = EXTRAS[random.nextInt(EXTRAS.length)];
          frame = frame.substring(0, brace + 1) + extra + "," + frame.substring(brace + 1);
        }
      }
      case 3 -> frame = frame.substring(0, random.nextInt(frame.length() + 1));
      case 4 -> {
        if (!frame.isEmpty()) {
          int at = random.nextInt(frame.length());
          String junk = "{}[],:\"\\ 0-eEtfnx".charAt(random.nextInt(17)) + "";
          frame = frame.substring(0, at) + junk + frame.substring(at + 1);
        }
      }
      case 5 -> frame = shuffleTopLevel(frame, random);
      default -> frame = frame.replace("\"BTCUSDT\"", "\"BTC\\u0055SDT\"");
    }
    return frame;
  }

  /** Reorders the members of a flat top-level object whose values contain no commas. */
  private static String shuffleTopLevel(String frame, Random random) {
    if (!frame.startsWith("{") || frame.indexOf('{', 1) >= 0 || frame.indexOf('[') >= 0) {
      return frame;
    }
    List<String> members =
        new ArrayList<>(List.of(frame.substring(1, frame.length() - 1).split(",")));
    Collections.shuffle(members, random);
    return "{" + String.join(",", members) + "}";
  }
}
