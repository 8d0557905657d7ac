package io.positionkeeper.runner.observe;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;

/**
 * What the runner watches of a keeper, through its ports only: every audit record that reached the
 * database (with a state change through the position store, or through the audit journal), every
 * stream event after the keeper handled it, and every failure of the database. Metrics and alerts
 * are observers; the domain knows none of them.
 *
 * <p>An observer must be quick and must not throw; {@link Observers} guards each call anyway, so a
 * failing observer never fails the keeper's step that it watched.
 */
public interface KeeperObserver {

  /** An audit record that is now stored (delivered once per event id). */
  void onRecord(AuditRecord record);

  /** A stream event of {@code exchange}, after the keeper handled it. */
  void onStreamEvent(Exchange exchange, StreamEvent event);

  /** A database operation that failed; {@code operation} names it. */
  void onDatabaseFailure(String operation, RuntimeException failure);

  /** A database operation that succeeded after failures (the journal or the store answers). */
  void onDatabaseAnswered(String operation);
}
