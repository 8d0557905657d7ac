package io.positionkeeper.domain.sim;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import java.util.HashSet;
import java.util.Set;

/**
 * The stop requests the venue received, by how each stop came to be: placed as a new stop (an
 * opening's first stop, a rollback's leftover, a reconciliation's re-protection) or as the
 * replacement half of a move. Sits right before the venue, so it records what reached the venue
 * whatever the answer was (a stop whose answer was lost still works there). I1 reads it to tell a
 * second stop that was placed as a new one beside another (never allowed) from a move's remnant.
 */
final class StopOrigins extends ForwardingGateway {
  private final Set<String> placed = new HashSet<>();

  StopOrigins(ExchangeGateway venue) {
    super(venue);
  }

  @Override
  public StopOrder placeStopLoss(StopLossRequest request) {
    placed.add(request.clientId().value());
    return venue().placeStopLoss(request);
  }

  /** Whether the stop {@code clientId} reached the venue as a new stop, not as a move's half. */
  boolean placedAsNew(String clientId) {
    return placed.contains(clientId);
  }
}
