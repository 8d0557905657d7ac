package io.positionkeeper.binance.bench;

import io.positionkeeper.binance.auth.Credentials;
import io.positionkeeper.binance.auth.RequestSigner;
import io.positionkeeper.binance.http.Params;
import java.math.BigDecimal;
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
 * Request signing: HMAC-SHA256 of a market order's query string to lower-case hex ({@code sign}),
 * and the same with the query built from its parameters first ({@code buildAndSign}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignerBenchmark {
  private RequestSigner signer;
  private String query;
  private long timestamp = 1_766_412_825_838L;
  private final BigDecimal quantity = new BigDecimal("0.010");

  @Setup
  public void setUp() {
    signer =
        new RequestSigner(
            Credentials.of(
                "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
                "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"));
    query =
        "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=pk-entry-000042"
            + "&newOrderRespType=RESULT&recvWindow=5000&timestamp=1766412825838";
  }

  @Benchmark
  public String sign() {
    return signer.sign(query);
  }

  @Benchmark
  public String buildAndSign() {
    String q =
        Params.create()
            .add("symbol", "BTCUSDT")
            .add("side", "BUY")
            .add("type", "MARKET")
            .add("quantity", quantity)
            .add("newClientOrderId", "pk-entry-000042")
            .add("newOrderRespType", "RESULT")
            .add("recvWindow", 5000)
            .add("timestamp", ++timestamp)
            .query();
    return signer.sign(q);
  }
}
