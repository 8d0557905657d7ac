package io.positionkeeper.domain.trailing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A trailing stop's parameters, as on Binance's TRAILING_STOP_MARKET: {@code activationPercent}
 * from the entry (0 activates at once) and {@code callbackPercent} of retrace from the peak (1
 * means 1 %; Binance accepts 0.1 to 10).
 */
public record TrailingParams(BigDecimal activationPercent, BigDecimal callbackPercent) {
  private static final BigDecimal MIN_CALLBACK = new BigDecimal("0.1");
  private static final BigDecimal MAX_CALLBACK = BigDecimal.TEN;

  public TrailingParams {
    Objects.requireNonNull(activationPercent, "activationPercent");
    Objects.requireNonNull(callbackPercent, "callbackPercent");
    if (activationPercent.signum() < 0
        || activationPercent.compareTo(BigDecimal.valueOf(100)) >= 0) {
      throw new IllegalArgumentException(
          "trailing activation percent must be in [0, 100), was "
              + activationPercent.toPlainString());
    }
    if (callbackPercent.compareTo(MIN_CALLBACK) < 0
        || callbackPercent.compareTo(MAX_CALLBACK) > 0) {
      throw new IllegalArgumentException(
          "trailing callback percent must be in [0.1, 10] (Binance's range), was "
              + callbackPercent.toPlainString());
    }
  }
}
