package io.positionkeeper.bybit.bench;

import com.google.gson.JsonObject;
import io.positionkeeper.bybit.auth.Credentials;
import io.positionkeeper.bybit.auth.Signer;
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

/**
 * Request signing: HMAC-SHA256 of {@code timestamp + key + recvWindow + body} to lower-case hex
 * ({@code sign}), and the same with the order's JSON body built first ({@code buildAndSign}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignerBenchmark {
  private Signer signer;
  private String body;
  private long ts = 1_733_360_000_000L;

  @Setup
  public void setUp() {
    signer =
        new Signer(Credentials.of("XXXXXXXXXXXXXXXXXX", "YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY"));
    body = build(0);
  }

  private static String build(long i) {
    JsonObject b = new JsonObject();
    b.addProperty("category", "linear");
    b.addProperty("symbol", "BTCUSDT");
    b.addProperty("side", "Buy");
    b.addProperty("orderType", "Market");
    b.addProperty("qty", "0.010");
    b.addProperty("positionIdx", 0);
    b.addProperty("orderLinkId", "pko-abcdefghijklmnopqrst" + i);
    b.addProperty("reduceOnly", false);
    return b.toString();
  }

  @Benchmark
  public String sign() {
    return signer.signRest(ts++, 5000, body);
  }

  @Benchmark
  public String buildAndSign() {
    long t = ts++;
    return signer.signRest(t, 5000, build(t));
  }
}
