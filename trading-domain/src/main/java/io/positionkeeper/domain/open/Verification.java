package io.positionkeeper.domain.open;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/** The outcome of verifying an entry fill; the caller must handle each. */
public sealed interface Verification {

  /** A source saw the fill: how much, at what average price, which source, how long it took. */
  record Verified(BigDecimal quantity, BigDecimal averagePrice, FillSource source, Duration elapsed)
      implements Verification {
    public Verified {
      if (quantity.signum() <= 0 || averagePrice.signum() <= 0) {
        throw new IllegalArgumentException(
            "a verified fill has a positive quantity and price: "
                + quantity
                + " @ "
                + averagePrice);
      }
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(elapsed, "elapsed");
    }
  }

  /** The order ended without any fill. */
  record NotFilled(String reason) implements Verification {}

  /** No source could tell before the deadline. */
  record Unknown(String reason) implements Verification {}
}
