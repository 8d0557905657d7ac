package io.positionkeeper.ports;

import io.positionkeeper.ports.model.AuditRecord;
import java.util.List;

/**
 * The durable audit trail. Appending is idempotent by event id: a record already stored is not
 * stored twice, so a batch may be replayed after a failure.
 */
public interface AuditJournal {

  /**
   * Appends a batch, all or nothing. {@link RejectedException} when the journal refuses the data
   * (the caller splits the batch to find the bad records); {@link PersistenceException} when the
   * journal cannot be reached (the caller keeps the batch and tries later); {@link
   * OutcomeUnknownException} when the journal cannot tell what it stored (a commit lost on the way;
   * a journal that writes a large batch in parts may then have stored some parts): appending the
   * same batch again completes it.
   */
  void append(List<AuditRecord> batch);
}
