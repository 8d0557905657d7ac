package io.positionkeeper.ports.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of the venue's position list, with the size as the venue sent it: signed (negative for a
 * short) and possibly zero, since both venues list flat rows. Filtering flat rows is the reader's
 * decision, taken on this raw size.
 */
public record ExchangePosition(
    Symbol symbol,
    BigDecimal signedSize,
    BigDecimal entryPrice,
    BigDecimal markPrice,
    Instant updatedAt) {

  public ExchangePosition {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(signedSize, "signedSize");
    Checks.notNegative(entryPrice, "entryPrice");
    Checks.notNegative(markPrice, "markPrice");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** Whether the raw size is zero (a stale or closed row). */
  public boolean isFlat() {
    return signedSize.signum() == 0;
  }

  /** The direction, absent for a flat row. */
  public Optional<PositionSide> side() {
    return switch (signedSize.signum()) {
      case 1 -> Optional.of(PositionSide.LONG);
      case -1 -> Optional.of(PositionSide.SHORT);
      default -> Optional.empty();
    };
  }

  /** The size without its sign. */
  public BigDecimal size() {
    return signedSize.abs();
  }
}
