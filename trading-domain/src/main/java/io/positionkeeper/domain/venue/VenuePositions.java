package io.positionkeeper.domain.venue;

import io.positionkeeper.domain.retry.Backoff;
import io.positionkeeper.domain.retry.Retries;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the venue's position list says about one side of one symbol: the only source that may call a
 * position flat after a close.
 */
public final class VenuePositions {
  private static final Logger log = LoggerFactory.getLogger(VenuePositions.class);

  private VenuePositions() {}

  /**
   * The venue's open size of {@code side} on {@code symbol}, zero when flat; empty when no complete
   * list could be read before the deadline (the failure is logged).
   */
  public static Optional<BigDecimal> openSize(
      ExchangeGateway gateway,
      Symbol symbol,
      PositionSide side,
      Clock clock,
      Duration deadline,
      Backoff backoff) {
    try {
      return switch (Retries.idempotent(clock, deadline, backoff, gateway::positions)) {
        case PositionSnapshot.Complete complete ->
            Optional.of(
                complete
                    .find(symbol)
                    .filter(r -> r.side().equals(Optional.of(side)))
                    .map(ExchangePosition::size)
                    .orElse(BigDecimal.ZERO));
        case PositionSnapshot.Incomplete incomplete -> Optional.empty();
      };
    } catch (PortException e) {
      log.warn("reading the {} positions for {} {} failed", gateway.exchange(), symbol, side, e);
      return Optional.empty();
    }
  }
}
