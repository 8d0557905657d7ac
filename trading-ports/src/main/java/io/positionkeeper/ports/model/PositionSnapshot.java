package io.positionkeeper.ports.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The venue's positions at one moment. Only a {@link Complete} snapshot may be used to conclude
 * that a position is gone; an {@link Incomplete} one (a page missing, a partial answer) never may.
 */
public sealed interface PositionSnapshot {

  Exchange exchange();

  List<ExchangePosition> positions();

  Instant takenAt();

  /** The position of one symbol, if the snapshot lists a row for it (flat rows included). */
  default Optional<ExchangePosition> find(Symbol symbol) {
    return positions().stream().filter(p -> p.symbol().equals(symbol)).findFirst();
  }

  /** Every position of the account, as one consistent answer. */
  record Complete(Exchange exchange, List<ExchangePosition> positions, Instant takenAt)
      implements PositionSnapshot {
    public Complete {
      Objects.requireNonNull(exchange, "exchange");
      positions = List.copyOf(positions);
      Objects.requireNonNull(takenAt, "takenAt");
    }
  }

  /** A partial answer; {@code reason} says what is missing. */
  record Incomplete(
      Exchange exchange, List<ExchangePosition> positions, String reason, Instant takenAt)
      implements PositionSnapshot {
    public Incomplete {
      Objects.requireNonNull(exchange, "exchange");
      positions = List.copyOf(positions);
      Checks.notBlank(reason, "reason");
      Objects.requireNonNull(takenAt, "takenAt");
    }
  }
}
