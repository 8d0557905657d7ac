package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StreamEvent;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each stream event of one venue to the keeper's listeners in their order, each of them
 * whatever an earlier one threw. The listeners after the book are safety steps: a failure in the
 * book's bookkeeping (recording a flat, confirming it with the venue) must not keep the protection
 * watch from hearing of a flat or of a stop gone, which is what brings a reconciliation within
 * seconds instead of a period later.
 *
 * <p>A failure is logged and recorded ({@code OPERATION_FAILED}, operation {@code
 * stream.<listener>}), and once every listener has seen the event the first failure is thrown
 * again, the later ones suppressed in it: nothing is swallowed, and the stream's own handling of a
 * listener's failure (log it and go on with the next event) still sees it.
 */
final class StreamFanOut implements StreamListener {
  private static final Logger log = LoggerFactory.getLogger(StreamFanOut.class);

  /** One listener and the name its failures are reported under. */
  record Named(String name, StreamListener listener) {
    Named {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(listener, "listener");
    }
  }

  private final Exchange exchange;
  private final AuditTrail audit;
  private final List<Named> listeners;

  StreamFanOut(Exchange exchange, AuditTrail audit, List<Named> listeners) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void onEvent(StreamEvent event) {
    RuntimeException first = null;
    for (Named named : listeners) {
      try {
        named.listener().onEvent(event);
      } catch (RuntimeException e) {
        report(named.name(), event, e);
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void report(String name, StreamEvent event, RuntimeException e) {
    String what = event.getClass().getSimpleName();
    log.error(
        "the {} of {} failed on a {} event; the listeners after it still see the event",
        name,
        exchange,
        what,
        e);
    Subject subject = Subject.exchange(exchange, "stream-" + name.replace(' ', '-'));
    audit.record(
        subject,
        () ->
            new AuditEvent.OperationFailed(
                subject,
                "stream." + name.replace(' ', '-'),
                what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                Severity.ERROR));
  }
}
