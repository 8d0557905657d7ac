package io.positionkeeper.postgres;

import io.positionkeeper.ports.model.AuditRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Writes a batch of audit records of one account inside the caller's transaction, idempotently by
 * event id. The writer fences the transaction ({@link AccountScope#fence}) before it writes, and
 * again in every transaction it starts anew on the connection.
 */
interface EventWriter {
  void write(DSLContext ctx, Connection connection, AccountScope scope, List<AuditRecord> batch)
      throws SQLException;
}
