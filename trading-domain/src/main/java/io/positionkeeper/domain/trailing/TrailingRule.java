package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.Optional;

/**
 * The pure rules of a trailing stop, with the semantics Binance documents for TRAILING_STOP_MARKET:
 * a long (SELL) stop activates once the highest price since the start reaches the activation price,
 * and triggers when the price falls to {@code highest × (1 − callback)}; a short (BUY) mirrors it
 * with the lowest price and {@code lowest × (1 + callback)}.
 */
public final class TrailingRule {
  private static final MathContext EXACT = MathContext.DECIMAL128;

  private TrailingRule() {}

  /**
   * The activation price: {@code activationPercent} above the entry for a long, below for a short.
   * Exact, like the percent it comes from: it is compared with prices, never sent to a venue.
   */
  public static BigDecimal activationPrice(
      PositionSide side, BigDecimal entry, BigDecimal activationPercent) {
    BigDecimal fraction = activationPercent.movePointLeft(2);
    return switch (side) {
      case LONG -> entry.multiply(BigDecimal.ONE.add(fraction), EXACT);
      case SHORT -> entry.multiply(BigDecimal.ONE.subtract(fraction), EXACT);
    };
  }

  /** Whether the peak has reached the activation price. */
  public static boolean reachedActivation(
      PositionSide side, BigDecimal peak, BigDecimal activation) {
    return switch (side) {
      case LONG -> peak.compareTo(activation) >= 0;
      case SHORT -> peak.compareTo(activation) <= 0;
    };
  }

  /** Whether {@code price} is a new peak: higher for a long, lower for a short. */
  public static boolean isNewPeak(PositionSide side, BigDecimal price, BigDecimal peak) {
    return switch (side) {
      case LONG -> price.compareTo(peak) > 0;
      case SHORT -> price.compareTo(peak) < 0;
    };
  }

  /** The exact trigger level of Binance's rule: {@code peak × (1 ∓ callback%)}, unrounded. */
  public static BigDecimal triggerLevel(
      PositionSide side, BigDecimal peak, BigDecimal callbackPercent) {
    BigDecimal fraction = callbackPercent.movePointLeft(2);
    return switch (side) {
      case LONG -> peak.multiply(BigDecimal.ONE.subtract(fraction), EXACT);
      case SHORT -> peak.multiply(BigDecimal.ONE.add(fraction), EXACT);
    };
  }

  /** Whether an active trailing stop triggers at {@code price} (Binance's rule, exactly). */
  public static boolean triggers(PositionSide side, BigDecimal price, BigDecimal triggerLevel) {
    return switch (side) {
      case LONG -> price.compareTo(triggerLevel) <= 0;
      case SHORT -> price.compareTo(triggerLevel) >= 0;
    };
  }

  /**
   * The exchange stop that follows a peak: the trigger level rounded to the tick on the safe side.
   */
  public static BigDecimal stopFor(
      PositionSide side, BigDecimal peak, BigDecimal callbackPercent, Instrument instrument) {
    return instrument.roundStop(side, triggerLevel(side, peak, callbackPercent)).value();
  }

  /** The tighter of two stops: the one that risks less. A stop only ever moves this way. */
  public static BigDecimal tighter(PositionSide side, BigDecimal a, BigDecimal b) {
    return switch (side) {
      case LONG -> a.max(b);
      case SHORT -> a.min(b);
    };
  }

  /**
   * How much {@code candidate} improves on {@code placed} in the trader's favour (negative: worse).
   */
  public static BigDecimal improvement(PositionSide side, BigDecimal candidate, BigDecimal placed) {
    return switch (side) {
      case LONG -> candidate.subtract(placed);
      case SHORT -> placed.subtract(candidate);
    };
  }

  /** A fresh state for a position whose stop-loss is working at {@code stopPrice} (if known). */
  public static TrailingStopState initialState(
      long dbId,
      Position position,
      TrailingParams params,
      Optional<BigDecimal> stopPrice,
      Instant now) {
    BigDecimal entry = position.entryPrice();
    return new TrailingStopState(
        dbId,
        position.key().symbol(),
        position.side(),
        entry,
        activationPrice(position.side(), entry, params.activationPercent()),
        params.callbackPercent(),
        TrailingStatus.INACTIVE,
        entry,
        stopPrice,
        0,
        Optional.empty(),
        Optional.empty(),
        entry,
        now);
  }
}
