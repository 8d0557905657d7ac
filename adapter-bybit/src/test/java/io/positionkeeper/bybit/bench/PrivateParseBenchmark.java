package io.positionkeeper.bybit.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.positionkeeper.bybit.parse.EventMapper;
import io.positionkeeper.bybit.parse.Frame;
import io.positionkeeper.bybit.parse.Wire;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.StreamEvent;
import java.util.ArrayList;
import java.util.List;
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
 * Parse + dispatch of one private message, as {@code BybitStreams} handles it on its loop: JSON
 * text to a {@link Frame} (streaming reader keeping the fields read), its rows to port events
 * (exact decimals), to the listener (a Blackhole). The {@code *TreePath} variants read the whole
 * message as a Gson tree first, as the adapter did before. Messages rotate over 1024 distinct
 * payloads shaped like the documented ones.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PrivateParseBenchmark {
  private static final int N = 1024;

  private final String[] positions = new String[N];
  private final String[] orders = new String[N];
  private final String[] executions = new String[N];
  private final EventMapper mapper =
      new EventMapper(s -> ClientOrderId.of("bybit-sl-" + s.value()));
  private int next;

  @Setup
  public void setUp() {
    for (int i = 0; i < N; i++) {
      long t = 1_697_682_317_044L + i;
      String qty = "0." + (100 + i);
      positions[i] =
          "{\"id\":\"1003076014fb7eedb-c7e6-45d6-a8c1-270f0169171a\",\"topic\":\"position\",\"creationTime\":"
              + t
              + ",\"data\":[{\"positionIdx\":0,\"tradeMode\":0,\"riskId\":1,\"riskLimitValue\":\"2000000\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"size\":\""
              + qty
              + "\",\"entryPrice\":\"28184.5\",\"sessionAvgPrice\":\"\",\"leverage\":\"10\",\"positionValue\":\"2818.45\",\"positionBalance\":\"0\",\"markPrice\":\"28184.5\",\"positionIM\":\"0\",\"positionMM\":\"0\",\"takeProfit\":\"0\",\"stopLoss\":\"27000\",\"trailingStop\":\"0\",\"unrealisedPnl\":\"0\",\"cumRealisedPnl\":\"-25.06579337\",\"curRealisedPnl\":\"0\",\"createdTime\":\"1694402496913\",\"updatedTime\":\""
              + t
              + "\",\"tpslMode\":\"Full\",\"liqPrice\":\"\",\"bustPrice\":\"\",\"category\":\"linear\",\"positionStatus\":\"Normal\",\"adlRankIndicator\":2,\"autoAddMargin\":0,\"leverageSysUpdatedTime\":\"\",\"mmrSysUpdatedTime\":\"\",\"seq\":"
              + (8327597863L + i)
              + ",\"isReduceOnly\":false,\"openTime\":1694402496913}]}";
      orders[i] =
          "{\"id\":\"5923240c6880ab-c59f-420b-9adb-3639adc9dd90\",\"topic\":\"order\",\"creationTime\":"
              + t
              + ",\"data\":[{\"symbol\":\"BTCUSDT\",\"orderId\":\"fd4300ae-7847-404e-b947-b46980a4"
              + String.format("%04x", i)
              + "\",\"side\":\"Buy\",\"orderType\":\"Market\",\"cancelType\":\"UNKNOWN\",\"price\":\"72.5\",\"qty\":\""
              + qty
              + "\",\"orderIv\":\"\",\"timeInForce\":\"IOC\",\"orderStatus\":\"Filled\",\"orderLinkId\":\"pko-abcdefghijklmnop"
              + i
              + "\",\"lastPriceOnCreated\":\"\",\"reduceOnly\":false,\"leavesQty\":\"0\",\"leavesValue\":\"0\",\"cumExecQty\":\""
              + qty
              + "\",\"cumExecValue\":\"5244.3\",\"avgPrice\":\"28184.5\",\"blockTradeId\":\"\",\"positionIdx\":0,\"cumExecFee\":\"\",\"cumFeeDetail\":{\"USDT\":\"1.5\"},\"closedPnl\":\"0\",\"createdTime\":\""
              + t
              + "\",\"updatedTime\":\""
              + t
              + "\",\"rejectReason\":\"EC_NoError\",\"stopOrderType\":\"\",\"tpslMode\":\"\",\"triggerPrice\":\"\",\"takeProfit\":\"\",\"stopLoss\":\"\",\"tpTriggerBy\":\"\",\"slTriggerBy\":\"\",\"tpLimitPrice\":\"\",\"slLimitPrice\":\"\",\"triggerDirection\":0,\"triggerBy\":\"\",\"closeOnTrigger\":false,\"category\":\"linear\",\"placeType\":\"\",\"smpType\":\"None\",\"smpGroup\":0,\"smpOrderId\":\"\",\"feeCurrency\":\"\"}]}";
      executions[i] =
          "{\"topic\":\"execution\",\"id\":\"386825804_BTCUSDT_1406121488493"
              + i
              + "\",\"creationTime\":"
              + t
              + ",\"data\":[{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"closedSize\":\"0\",\"execFee\":\"26.3725275\",\"execId\":\"0ab1bdf7-4219-438b-b30a-32ec8630"
              + String.format("%04x", i)
              + "\",\"execPrice\":\"95900.1\",\"execQty\":\""
              + qty
              + "\",\"execType\":\"Trade\",\"execValue\":\"47950.05\",\"feeRate\":\"0.00055\",\"tradeIv\":\"\",\"markIv\":\"\",\"blockTradeId\":\"\",\"markPrice\":\"95901.48\",\"indexPrice\":\"\",\"underlyingPrice\":\"\",\"leavesQty\":\"0\",\"orderId\":\"9aac161b-8ed6-450d-9cab-c5cc67c2"
              + String.format("%04x", i)
              + "\",\"orderLinkId\":\"\",\"orderPrice\":\"94942.5\",\"orderQty\":\""
              + qty
              + "\",\"orderType\":\"Market\",\"stopOrderType\":\"UNKNOWN\",\"side\":\"Sell\",\"execTime\":\""
              + t
              + "\",\"isLeverage\":\"0\",\"isMaker\":false,\"seq\":140612148849382,\"marketUnit\":\"\",\"execPnl\":\"0\",\"createType\":\"CreateByUser\",\"extraFees\":[]}]}";
    }
  }

  private void dispatch(String text, Blackhole bh) {
    for (StreamEvent e : mapper.map((Frame.Private) Frame.of(text))) {
      bh.consume(e);
    }
  }

  private void dispatchTree(String text, Blackhole bh) {
    JsonObject m = Wire.object(text);
    List<JsonObject> rows = new ArrayList<>();
    for (JsonElement e : Wire.array(m, "data")) {
      rows.add(e.getAsJsonObject());
    }
    Frame.Private frame =
        new Frame.Private(Wire.text(m, "topic"), Wire.number(m, "creationTime"), rows);
    for (StreamEvent e : mapper.map(frame)) {
      bh.consume(e);
    }
  }

  @Benchmark
  public void position(Blackhole bh) {
    dispatch(positions[next++ & (N - 1)], bh);
  }

  @Benchmark
  public void order(Blackhole bh) {
    dispatch(orders[next++ & (N - 1)], bh);
  }

  @Benchmark
  public void execution(Blackhole bh) {
    dispatch(executions[next++ & (N - 1)], bh);
  }

  @Benchmark
  public void positionTreePath(Blackhole bh) {
    dispatchTree(positions[next++ & (N - 1)], bh);
  }

  @Benchmark
  public void orderTreePath(Blackhole bh) {
    dispatchTree(orders[next++ & (N - 1)], bh);
  }
}
