package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.EVENTS;

import io.positionkeeper.ports.model.AuditRecord;
import java.sql.Connection;
import java.util.List;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * One JDBC batch of single-row inserts; pgjdbc's {@code reWriteBatchedInserts} (set by {@link
 * PostgresPool}) turns it into multi-row inserts.
 */
final class BatchEventWriter implements EventWriter {

  @Override
  public void write(
      DSLContext ctx, Connection connection, AccountScope scope, List<AuditRecord> batch) {
    scope.fence(ctx);
    BatchBindStep step =
        ctx.batch(
            ctx.insertInto(
                    EVENTS,
                    EVENTS.EVENT_ID,
                    EVENTS.POSITION_ID,
                    EVENTS.CORRELATION_KEY,
                    EVENTS.EXCHANGE,
                    EVENTS.SYMBOL,
                    EVENTS.TYPE,
                    EVENTS.SEVERITY,
                    EVENTS.PAYLOAD,
                    EVENTS.EVENT_TIME,
                    EVENTS.ACCOUNT)
                .values(null, null, null, null, null, null, null, (JSONB) null, null, null)
                .onConflict(EVENTS.EVENT_ID)
                .doNothing());
    for (AuditRecord r : batch) {
      step.bind(
          r.eventId(),
          AuditRows.positionId(r),
          r.correlationKey(),
          r.exchange(),
          AuditRows.symbol(r),
          r.type(),
          r.severity(),
          JSONB.valueOf(Json.write(r.payload())),
          AuditRows.micros(r.time()),
          scope.name());
    }
    step.execute();
  }
}
