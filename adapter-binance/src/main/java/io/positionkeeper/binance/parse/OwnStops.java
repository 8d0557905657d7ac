package io.positionkeeper.binance.parse;

import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.util.ArrayList;
import java.util.List;

/**
 * Which conditional (algo) orders are the port's stop-losses: exactly the kind this adapter places,
 * a {@code STOP_MARKET} with {@code closePosition=true}. Take-profits, trailing stops and stops for
 * a quantity (how the web UI places them by default) arrive on the same endpoints and in the same
 * {@code ALGO_UPDATE} events; they are somebody else's orders and never become stop-loss events or
 * list entries. The stream and the REST reads apply this one rule, so a resync never sees a stop
 * the stream ignored, or the other way round.
 */
public final class OwnStops {
  private OwnStops() {}

  public static boolean isStopLoss(String orderType, boolean closePosition) {
    return "STOP_MARKET".equals(orderType) && closePosition;
  }

  public static boolean isStopLoss(Wire.AlgoOrder a) {
    return isStopLoss(a.orderType(), a.closePosition());
  }

  public static boolean isStopLoss(StreamMessage.AlgoUpdate a) {
    return isStopLoss(a.orderType(), a.closePosition());
  }

  /**
   * The stop-losses among a symbol's open algo orders. A row that cannot be read is {@link
   * RetryableException}: a list with a stop missing could make the caller think a position is
   * unprotected.
   */
  public static List<StopOrder> stopLosses(Symbol symbol, Wire.Rows<Wire.AlgoOrder> rows) {
    return stopLosses("open algo orders of " + symbol, rows);
  }

  /** The stop-losses among the open algo orders of every symbol, on the same terms. */
  public static List<StopOrder> allStopLosses(Wire.Rows<Wire.AlgoOrder> rows) {
    return stopLosses("open algo orders of the account", rows);
  }

  private static List<StopOrder> stopLosses(String what, Wire.Rows<Wire.AlgoOrder> rows) {
    List<String> problems = new ArrayList<>(rows.problems());
    List<StopOrder> stops = new ArrayList<>();
    for (Wire.AlgoOrder a : rows.rows()) {
      if (!isStopLoss(a)) {
        continue;
      }
      try {
        stops.add(PortMapper.stopOrder(a));
      } catch (WireFormatException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new RetryableException(what + " partly unreadable: " + String.join("; ", problems));
    }
    return stops;
  }
}
