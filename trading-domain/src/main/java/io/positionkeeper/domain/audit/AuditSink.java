package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.model.AuditRecord;

/**
 * Takes audit records off the trading path. An implementation never blocks for long and never drops
 * a record: it queues, and spills to durable storage past its bound.
 */
public interface AuditSink {

  /** Hands one record over for writing. */
  void submit(AuditRecord record);
}
