package io.positionkeeper.domain.sim;

import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stop requests the venue received, by how each stop came to be: placed as a new stop (an
 * opening's first stop, a rollback's leftover, a reconciliation's re-protection) or as the
 * replacement half of a move. Sits right before the venue, so it records what reached the venue
 * whatever the answer was (a stop whose answer was lost still works there). I1 reads it to tell a
 * second stop that was placed as a new one beside another (never allowed) from a move's remnant. It
 * also records the venue's mark as each stop's level last reached the venue, which I5 reads to tell
 * a stop placed just beyond a mark that had crossed the rule's level from a loosening.
 */
final class StopOrigins extends ForwardingGateway {
  private final FakeExchange exchange;
  private final Set<String> placed = new HashSet<>();
  private final Map<String, BigDecimal> markWhenSent = new HashMap<>();

  StopOrigins(FakeExchange venue) {
    super(venue);
    this.exchange = venue;
  }

  @Override
  public StopOrder placeStopLoss(StopLossRequest request) {
    placed.add(request.clientId().value());
    Optional<BigDecimal> mark = exchange.currentMark(request.symbol());
    try {
      return venue().placeStopLoss(request);
    } finally {
      noteMarkIfWorking(request.symbol(), request.clientId().value(), request.triggerPrice(), mark);
    }
  }

  @Override
  public StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement) {
    Optional<BigDecimal> mark = exchange.currentMark(replacement.symbol());
    // Bybit amends the one stop in place: the new level works under the old stop's id.
    String id =
        exchange.flavour() == FakeExchange.Flavour.BYBIT
            ? current.clientId().value()
            : replacement.clientId().value();
    try {
      return venue().moveStopLoss(current, replacement);
    } finally {
      noteMarkIfWorking(replacement.symbol(), id, replacement.triggerPrice(), mark);
    }
  }

  /**
   * Notes the mark of the moment a level was sent only once the venue holds it, whatever the answer
   * said: a refused move ("would immediately trigger", a 503 before its effect) leaves the stop at
   * the level it had, reached against the mark noted then.
   */
  private void noteMarkIfWorking(
      Symbol symbol, String id, BigDecimal level, Optional<BigDecimal> mark) {
    boolean holds =
        exchange.workingStops(symbol).stream()
            .anyMatch(
                s -> s.clientId().value().equals(id) && s.triggerPrice().compareTo(level) == 0);
    if (holds) {
      mark.ifPresent(m -> markWhenSent.put(id, m));
    }
  }

  /** Whether the stop {@code clientId} reached the venue as a new stop, not as a move's half. */
  boolean placedAsNew(String clientId) {
    return placed.contains(clientId);
  }

  /** The venue's mark when the stop {@code clientId}'s level last reached the venue. */
  Optional<BigDecimal> markWhenSent(String clientId) {
    return Optional.ofNullable(markWhenSent.get(clientId));
  }
}
