package io.positionkeeper.binance.bench;

import io.positionkeeper.binance.parse.EventMapper;
import io.positionkeeper.binance.parse.StreamDecoder;
import io.positionkeeper.binance.ws.StreamState;
import io.positionkeeper.ports.model.StreamEvent;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parse + dispatch of one user-data frame, as {@code BinanceStreams} handles it on its loop: JSON
 * text to {@code StreamMessage} (Gson tree, exact decimals and 64-bit ids), to port events, through
 * the de-duplicating {@link StreamState}, to the listener. Frames rotate over 1024 distinct
 * payloads (ids, quantities and times differ) so de-duplication admits them as a live stream would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UserDataParseBenchmark {
  private static final int N = 1024;

  private final String[] orderTradeUpdates = new String[N];
  private final String[] accountUpdates = new String[N];
  private final String[] markPrices = new String[N];
  private StreamState state;
  private int next;
  private Blackhole blackhole;
  private final EventMapper.Sink sink =
      new EventMapper.Sink() {
        @Override
        public void event(StreamEvent event) {
          if (state.admit(event)) {
            blackhole.consume(event); // the listener
          }
        }

        @Override
        public void problem(String description) {
          throw new IllegalStateException(description);
        }
      };

  @Setup
  public void setUp(Blackhole bh) {
    blackhole = bh;
    // Small memory: the rotation evicts entries, so every frame is new again when it comes back.
    state = new StreamState(16);
    for (int i = 0; i < N; i++) {
      long time = 1_766_412_825_838L + i;
      String qty = "0.0" + (10 + i % 89);
      // A fill with a 19-digit order id, as captured live (ORDER_TRADE_UPDATE, x=TRADE).
      orderTradeUpdates[i] =
          "{\"e\":\"ORDER_TRADE_UPDATE\",\"T\":"
              + time
              + ",\"E\":"
              + (time + 2)
              + ",\"o\":{"
              + "\"s\":\"ETHUSDT\",\"c\":\"pk-entry-"
              + i
              + "\",\"S\":\"BUY\",\"o\":\"MARKET\","
              + "\"f\":\"GTC\",\"q\":\""
              + qty
              + "\",\"p\":\"0\",\"ap\":\"3057.89000\",\"sp\":\"0\","
              + "\"x\":\"TRADE\",\"X\":\"FILLED\",\"i\":"
              + (8_389_766_058_155_948_588L + i)
              + ","
              + "\"l\":\""
              + qty
              + "\",\"z\":\""
              + qty
              + "\",\"L\":\"3057.89\",\"N\":\"USDT\","
              + "\"n\":\"0.01070261\",\"T\":"
              + time
              + ",\"t\":"
              + (5_392_139_091L + i)
              + ","
              + "\"b\":\"0\",\"a\":\"0\",\"m\":false,\"R\":false,\"wt\":\"CONTRACT_PRICE\","
              + "\"ot\":\"MARKET\",\"ps\":\"BOTH\",\"cp\":false,\"rp\":\"0\",\"pP\":false,"
              + "\"si\":0,\"ss\":0,\"V\":\"EXPIRE_MAKER\",\"pm\":\"NONE\",\"gtd\":0,\"er\":\"0\"}}";
      // The position change that follows a fill (ACCOUNT_UPDATE, m=ORDER, one balance, one row).
      accountUpdates[i] =
          "{\"e\":\"ACCOUNT_UPDATE\",\"T\":"
              + time
              + ",\"E\":"
              + (time + 2)
              + ",\"a\":{"
              + "\"m\":\"ORDER\",\"B\":[{\"a\":\"USDT\",\"wb\":\"122624.12345678\","
              + "\"cw\":\"100.12345678\",\"bc\":\"0\"}],\"P\":[{\"s\":\"ETHUSDT\","
              + "\"pa\":\""
              + qty
              + "\",\"ep\":\"3057.89000\",\"bep\":\"3059.41894500\","
              + "\"cr\":\"-12.41020000\",\"up\":\"0.00000000\",\"mt\":\"cross\",\"iw\":\"0\","
              + "\"ps\":\"BOTH\"}]}}";
      markPrices[i] =
          "{\"stream\":\"btcusdt@markPrice@1s\",\"data\":{\"e\":\"markPriceUpdate\",\"E\":"
              + (1_788_936_948_001L + i)
              + ",\"s\":\"BTCUSDT\",\"p\":\"79107."
              + (10_000_000 + i)
              + "\",\"ap\":\"79107.36658171\",\"P\":\"79176.63756423\",\"i\":\"79139.09565217\","
              + "\"r\":\"0.00008359\",\"T\":1788940800000,\"st\":1}}";
    }
  }

  private int index() {
    next = (next + 1) & (N - 1);
    return next;
  }

  @Benchmark
  public void orderTradeUpdate() {
    EventMapper.map(StreamDecoder.decode(orderTradeUpdates[index()]), sink);
  }

  /** The same frames through Gson's JsonReader only (the path the fast scanner declines to). */
  @Benchmark
  public void orderTradeUpdateGsonPath() {
    EventMapper.map(StreamDecoder.decodeWithGson(orderTradeUpdates[index()]), sink);
  }

  @Benchmark
  public void accountUpdate() {
    EventMapper.map(StreamDecoder.decode(accountUpdates[index()]), sink);
  }

  @Benchmark
  public void markPriceUpdate() {
    EventMapper.map(StreamDecoder.decode(markPrices[index()]), sink);
  }
}
