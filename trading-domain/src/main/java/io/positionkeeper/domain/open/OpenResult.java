package io.positionkeeper.domain.open;

import io.positionkeeper.domain.position.PositionKey;
import java.math.BigDecimal;
import java.util.List;

/** What came of an intent to open a position. */
public sealed interface OpenResult {

  /** The position is open, stored and protected by a stop-loss on the exchange. */
  record Opened(
      long positionId,
      PositionKey key,
      BigDecimal quantity,
      BigDecimal entryPrice,
      BigDecimal stopPrice,
      Verification.Verified verification)
      implements OpenResult {}

  /** Refused before any order was sent; nothing changed anywhere. */
  record Refused(String reason) implements OpenResult {}

  /**
   * An order was sent but the position could not be opened and protected; everything done was
   * undone (or closed in an emergency). {@code rollbackFailures} lists the undo steps that failed:
   * empty means the exchange, the store and the book are clean.
   */
  record Failed(String stage, String reason, List<String> rollbackFailures) implements OpenResult {
    public Failed {
      rollbackFailures = List.copyOf(rollbackFailures);
    }

    public boolean cleanlyRolledBack() {
      return rollbackFailures.isEmpty();
    }
  }
}
