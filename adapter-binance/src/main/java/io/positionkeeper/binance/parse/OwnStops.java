package io.positionkeeper.binance.parse;

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
}
