package io.positionkeeper.domain.instrument;

import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An instrument's rules and the rounding they impose. Quantities round down to the step (never more
 * than asked). Stop prices round to the tick on the safe side: a stop never ends up further from
 * the market than requested, so a rounded stop never risks more than the trader accepted.
 */
public record Instrument(InstrumentRules rules) {

  public Instrument {
    Objects.requireNonNull(rules, "rules");
  }

  public Symbol symbol() {
    return rules.symbol();
  }

  /**
   * The quantity to order for a size in base or quote units at a price, rounded down to the step
   * and checked against the minimum and maximum quantity and the minimum notional.
   *
   * @throws SizeRejectedException naming the rule the size fails
   */
  public Quantity quantityFor(BigDecimal size, SizeUnit unit, Price price) {
    Objects.requireNonNull(size, "size");
    if (size.signum() <= 0) {
      throw new SizeRejectedException(symbol() + ": size must be > 0, was " + size.toPlainString());
    }
    BigDecimal base =
        switch (unit) {
          case BASE -> size;
          case QUOTE -> size.divide(price.value(), 18, RoundingMode.DOWN);
        };
    BigDecimal rounded = roundDownToStep(base);
    if (rounded.signum() == 0) {
      throw new SizeRejectedException(
          symbol()
              + ": size "
              + size.toPlainString()
              + " "
              + unit
              + " rounds to zero at step "
              + rules.stepSize().toPlainString());
    }
    if (rounded.compareTo(rules.minQuantity()) < 0) {
      throw new SizeRejectedException(
          symbol()
              + ": quantity "
              + rounded.toPlainString()
              + " is below the minimum quantity "
              + rules.minQuantity().toPlainString());
    }
    if (rounded.compareTo(rules.maxQuantity()) > 0) {
      throw new SizeRejectedException(
          symbol()
              + ": quantity "
              + rounded.toPlainString()
              + " is above the maximum market quantity "
              + rules.maxQuantity().toPlainString());
    }
    BigDecimal notional = rounded.multiply(price.value());
    if (notional.compareTo(rules.minNotional()) < 0) {
      throw new SizeRejectedException(
          symbol()
              + ": notional "
              + notional.stripTrailingZeros().toPlainString()
              + " is below the minimum notional "
              + rules.minNotional().toPlainString());
    }
    return new Quantity(rounded);
  }

  /** Rounds a quantity down to the step (zero when below one step). */
  public BigDecimal roundDownToStep(BigDecimal quantity) {
    return quantity
        .divide(rules.stepSize(), 0, RoundingMode.DOWN)
        .multiply(rules.stepSize())
        .stripTrailingZeros();
  }

  /**
   * Rounds a stop trigger to the tick on the safe side for the position: up for a long (whose stop
   * sells below the market), down for a short (whose stop buys above it).
   */
  public Price roundStop(PositionSide side, BigDecimal trigger) {
    RoundingMode mode =
        switch (side) {
          case LONG -> RoundingMode.CEILING;
          case SHORT -> RoundingMode.FLOOR;
        };
    BigDecimal ticks = trigger.divide(rules.tickSize(), 0, mode);
    BigDecimal rounded = ticks.multiply(rules.tickSize()).stripTrailingZeros();
    if (rounded.signum() <= 0) {
      // A short's stop below one tick cannot exist; the smallest valid price is one tick.
      rounded = rules.tickSize();
    }
    return new Price(rounded);
  }

  /**
   * The tightest stop the venue takes for a position of {@code side} while its mark is at {@code
   * mark}: the nearest tick strictly beyond the mark on the losing side (below it for a long, above
   * it for a short). Both venues refuse a stop at or past their mark as one that would trigger at
   * once (Binance -2021 "Order would immediately trigger"; Bybit 110093 a falling trigger not below
   * the current price, 110092 a rising one not above it) and state no other minimum distance for a
   * stop-market order, so one tick beyond the mark is the closest level that exists. It is what a
   * position gets when the level its rule asks for is already crossed and the exit at market cannot
   * go out: looser than that level, which no longer exists, and tighter than any other.
   */
  public Price tightestStopBeyond(PositionSide side, BigDecimal mark) {
    BigDecimal tick = rules.tickSize();
    BigDecimal level =
        switch (side) {
          case LONG -> mark.subtract(tick).divide(tick, 0, RoundingMode.CEILING).multiply(tick);
          case SHORT -> mark.add(tick).divide(tick, 0, RoundingMode.FLOOR).multiply(tick);
        };
    // A long's mark within a tick of zero leaves no level below it; the smallest price is a tick.
    return new Price((level.signum() > 0 ? level : tick).stripTrailingZeros());
  }

  /**
   * The stop-loss trigger for a position entered at {@code entry}, {@code percent} away from it on
   * the losing side, rounded safe.
   */
  public Price stopLossFor(PositionSide side, Price entry, BigDecimal percent) {
    if (percent.signum() <= 0 || percent.compareTo(BigDecimal.valueOf(100)) >= 0) {
      throw new IllegalArgumentException(
          "stop-loss percent must be in (0, 100), was " + percent.toPlainString());
    }
    BigDecimal fraction = percent.movePointLeft(2);
    BigDecimal raw =
        switch (side) {
          case LONG -> entry.value().multiply(BigDecimal.ONE.subtract(fraction));
          case SHORT -> entry.value().multiply(BigDecimal.ONE.add(fraction));
        };
    return roundStop(side, raw);
  }
}
