package io.positionkeeper.postgres;

import io.positionkeeper.ports.model.AuditRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jooq.DSLContext;

/** Writes a batch of audit records inside the caller's transaction, idempotently by event id. */
interface EventWriter {
  void write(DSLContext ctx, Connection connection, List<AuditRecord> batch) throws SQLException;
}
