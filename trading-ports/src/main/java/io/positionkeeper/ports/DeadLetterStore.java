package io.positionkeeper.ports;

import io.positionkeeper.ports.model.AuditRecord;

/** Where audit records the journal refused are kept, with the reason, for a person to look at. */
public interface DeadLetterStore {

  /** Keeps a refused record and why it was refused. */
  void deadLetter(AuditRecord record, String reason);
}
