package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.EventIds;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns typed events into journal records (each with a fresh event id and the clock's time), either
 * for a store to write in the same transaction as a state change, or handed to the sink.
 *
 * <p>Safety steps (rollback, protection, closing) use the forms that take a {@link Supplier}: an
 * event that cannot be built (a venue's blank message, say) or a sink that fails is reported as an
 * {@code AUDIT_FAILED} event and a log line, and never stops the step that was recording it.
 */
public final class AuditTrail {
  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
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

  /**
   * Records the event {@code event} builds, and never throws: a failure to build or hand it over is
   * itself recorded against {@code subject} (or only logged, when even that fails).
   */
  public void record(Subject subject, Supplier<? extends AuditEvent> event) {
    try {
      sink.submit(toRecord(subject, event));
    } catch (RuntimeException e) {
      log.error("audit record about {} could not be handed over", subject, e);
    }
  }

  /**
   * The record of the event {@code event} builds, to be written with a state change; when the event
   * cannot be built, the record of an {@code AUDIT_FAILED} event that says why, so the state change
   * still happens and the trail still shows it.
   */
  public AuditRecord toRecord(Subject subject, Supplier<? extends AuditEvent> event) {
    try {
      return toRecord(event.get());
    } catch (RuntimeException e) {
      log.error("an audit event about {} could not be built", subject, e);
      return failed(subject, e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()));
    }
  }

  /**
   * The {@code AUDIT_FAILED} record, made so that it cannot fail in turn on what made the event
   * fail: the subject's correlation key is fitted to the journal's bound and the time to its range
   * (the original key stays in the error text).
   */
  private AuditRecord failed(Subject subject, String error) {
    Subject fitted =
        new Subject(
            subject.exchange(),
            subject.symbol(),
            subject.positionId(),
            AuditRecord.fitCorrelationKey(subject.correlationKey()));
    AuditEvent event = new AuditEvent.AuditFailed(fitted, error);
    return new AuditRecord(
        EventIds.next(),
        AuditRecord.fitTime(clock.now()),
        fitted.exchange(),
        fitted.symbol(),
        fitted.positionId(),
        fitted.correlationKey(),
        event.type(),
        event.severity(),
        event.payload());
  }
}
