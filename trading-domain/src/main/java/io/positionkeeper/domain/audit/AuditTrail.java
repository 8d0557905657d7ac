package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.EventIds;
import java.util.Objects;

/**
 * Turns typed events into journal records (each with a fresh event id and the clock's time), either
 * for a store to write in the same transaction as a state change, or handed to the sink.
 */
public final class AuditTrail {
  private final Clock clock;
  private final AuditSink sink;

  public AuditTrail(Clock clock, AuditSink sink) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** The record of an event, to be written with the state change it describes. */
  public AuditRecord toRecord(AuditEvent event) {
    Subject s = event.subject();
    return new AuditRecord(
        EventIds.next(),
        clock.now(),
        s.exchange(),
        s.symbol(),
        s.positionId(),
        s.correlationKey(),
        event.type(),
        event.severity(),
        event.payload());
  }

  /** Records an event that goes with no state change of a store. */
  public void record(AuditEvent event) {
    sink.submit(toRecord(event));
  }
}
