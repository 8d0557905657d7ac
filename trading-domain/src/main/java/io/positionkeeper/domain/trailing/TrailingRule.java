package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Optional;

/** The pure rules of a trailing stop, with Binance TRAILING_STOP_MARKET semantics. */
public final class TrailingRule {
  private TrailingRule() {}

  /**
   * The activation price: {@code activationPercent} above the entry for a long, below for a short.
   */
  public static BigDecimal activationPrice(
      PositionSide side, BigDecimal entry, BigDecimal activationPercent, Instrument instrument) {
    BigDecimal fraction = activationPercent.movePointLeft(2);
    BigDecimal raw =
        switch (side) {
          case LONG -> entry.multiply(BigDecimal.ONE.add(fraction));
          case SHORT -> entry.multiply(BigDecimal.ONE.subtract(fraction));
        };
    // Activation is reached only once the price has really got there: round away from the entry.
    BigDecimal tick = instrument.rules().tickSize();
    RoundingMode mode = side == PositionSide.LONG ? RoundingMode.CEILING : RoundingMode.FLOOR;
    BigDecimal rounded = raw.divide(tick, 0, mode).multiply(tick).stripTrailingZeros();
    return rounded.signum() > 0 ? rounded : tick;
  }

  /** A fresh state for a position whose stop-loss is working at {@code stopPrice}. */
  public static TrailingStopState initialState(
      long dbId,
      Position position,
      Instrument instrument,
      TrailingParams params,
      BigDecimal stopPrice,
      Instant now) {
    BigDecimal entry = position.entryPrice();
    return new TrailingStopState(
        dbId,
        position.key().symbol(),
        position.side(),
        entry,
        activationPrice(position.side(), entry, params.activationPercent(), instrument),
        params.callbackPercent(),
        TrailingStatus.INACTIVE,
        entry,
        Optional.of(stopPrice),
        0,
        Optional.empty(),
        Optional.empty(),
        entry,
        now);
  }
}
