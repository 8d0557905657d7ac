package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.domain.trailing.TrailingStopManager;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StopOrder;
import java.util.Map;
import java.util.Objects;

/** Hands each trailing-stop call to the manager of the position's venue. */
final class TrailingRouter implements TrailingStops {
  private final Map<Exchange, TrailingStopManager> managers;

  TrailingRouter(Map<Exchange, TrailingStopManager> managers) {
    this.managers = Objects.requireNonNull(managers, "managers");
  }

  private TrailingStopManager of(Position position) {
    TrailingStopManager manager = managers.get(position.key().exchange());
    if (manager == null) {
      throw new IllegalStateException("no trailing stops for " + position.key().exchange());
    }
    return manager;
  }

  @Override
  public void start(
      Position position, long dbId, Instrument instrument, TrailingParams params, StopOrder stop) {
    of(position).start(position, dbId, instrument, params, stop);
  }

  @Override
  public void onStopPlaced(Position position, long dbId, StopOrder stop) {
    of(position).onStopPlaced(position, dbId, stop);
  }

  @Override
  public void stop(long dbId) {
    // The states share one store: the manager that tracks the position removes it; when none does,
    // any manager removes what the store may still hold.
    TrailingStopManager owner =
        managers.values().stream()
            .filter(m -> m.stateOf(dbId).isPresent())
            .findFirst()
            .orElse(managers.values().iterator().next());
    owner.stop(dbId);
  }

  @Override
  public boolean hasMovedStop(long dbId) {
    return managers.values().stream().anyMatch(m -> m.hasMovedStop(dbId));
  }

  @Override
  public java.util.Optional<java.math.BigDecimal> trailedStop(
      long dbId, io.positionkeeper.ports.model.PositionSide side) {
    return managers.values().stream()
        .map(m -> m.trailedStop(dbId, side))
        .flatMap(java.util.Optional::stream)
        .findFirst();
  }
}
