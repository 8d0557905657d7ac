package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.TrailingStopState;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps the trailing stops of stored positions, in memory and persisted. */
public final class TrailingStopManager implements TrailingStops {
  private final TrailingStopStore store;
  private final AuditTrail audit;
  private final Clock clock;
  private final Map<Long, TrailingStopState> states = new ConcurrentHashMap<>();

  public TrailingStopManager(TrailingStopStore store, AuditTrail audit, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void start(
      Position position, long dbId, Instrument instrument, TrailingParams params, StopOrder stop) {
    TrailingStopState initial =
        TrailingRule.initialState(
            dbId, position, instrument, params, stop.triggerPrice(), clock.now());
    store.save(initial);
    states.put(dbId, initial);
    audit.record(
        new AuditEvent.TrailingStarted(
            Subject.of(position), initial.activationPrice(), initial.callbackRate(), "opened"));
  }

  @Override
  public void stop(long dbId) {
    states.remove(dbId);
    store.delete(dbId);
  }

  @Override
  public boolean hasMovedStop(long dbId) {
    return Optional.ofNullable(states.get(dbId)).map(s -> s.updateCount() > 0).orElse(false);
  }

  /** The in-memory state of a position's trailing stop. */
  public Optional<TrailingStopState> stateOf(long dbId) {
    return Optional.ofNullable(states.get(dbId));
  }
}
