package io.positionkeeper.domain.sim;

import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
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
    BigDecimal mark = exchange.currentMark(request.symbol()).orElse(null);
    try {
      return venue().placeStopLoss(request);
    } finally {
      noteIfLanded(request, request.clientId().value(), mark);
    }
  }

  @Override
  public StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement) {
    BigDecimal mark = exchange.currentMark(replacement.symbol()).orElse(null);
    try {
      return venue().moveStopLoss(current, replacement);
    } finally {
      noteIfLanded(replacement, replacement.clientId().value(), mark);
      if (exchange.flavour() == FakeExchange.Flavour.BYBIT) {
        // Bybit amends the one stop in place: the new level works under the old stop's id.
        noteIfLanded(replacement, current.clientId().value(), mark);
      }
    }
  }

  /**
   * Notes {@code mark} for the stop {@code clientId} only when the request's level now works under
   * that id: whatever the answer said (an answer lost after the effect still moved the stop), a
   * request the venue refused (a level its mark has crossed) left the stop's level, and the mark it
   * was sent at, as they were.
   */
  private void noteIfLanded(StopLossRequest request, String clientId, BigDecimal mark) {
    boolean landed =
        exchange.workingStops(request.symbol()).stream()
            .anyMatch(
                s ->
                    s.clientId().value().equals(clientId)
                        && s.triggerPrice().compareTo(request.triggerPrice()) == 0);
    if (landed && mark != null) {
      markWhenSent.put(clientId, mark);
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
