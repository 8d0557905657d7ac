package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.EVENTS;

import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.postgres.schema.tables.records.EventsRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/** Audit records as rows of {@code monitoring.events}, both ways. */
final class AuditRows {
  private AuditRows() {}

  /**
   * PostgreSQL keeps microseconds; the sub-microsecond rest is dropped here, explicitly, rather
   * than rounded by the driver.
   */
  static Instant micros(Instant time) {
    return time.truncatedTo(ChronoUnit.MICROS);
  }

  static Long positionId(AuditRecord r) {
    return r.positionId().isPresent() ? r.positionId().getAsLong() : null;
  }

  static String symbol(AuditRecord r) {
    return r.symbol().map(Symbol::value).orElse(null);
  }

  /**
   * Inserts one event in the caller's transaction; an event id stored already is left as it is
   * (replays are idempotent). Returns whether a row was inserted.
   */
  static boolean insert(DSLContext ctx, AccountId account, AuditRecord r) {
    Objects.requireNonNull(r, "event");
    return ctx.insertInto(EVENTS)
            .set(EVENTS.EVENT_ID, r.eventId())
            .set(EVENTS.ACCOUNT, account.value())
            .set(EVENTS.POSITION_ID, positionId(r))
            .set(EVENTS.CORRELATION_KEY, r.correlationKey())
            .set(EVENTS.EXCHANGE, r.exchange())
            .set(EVENTS.SYMBOL, symbol(r))
            .set(EVENTS.TYPE, r.type())
            .set(EVENTS.SEVERITY, r.severity())
            .set(EVENTS.PAYLOAD, JSONB.valueOf(Json.write(r.payload())))
            .set(EVENTS.EVENT_TIME, micros(r.time()))
            .onConflict(EVENTS.EVENT_ID)
            .doNothing()
            .execute()
        == 1;
  }

  static AuditRecord toRecord(EventsRecord row) {
    return new AuditRecord(
        row.getEventId(),
        row.getEventTime(),
        row.getExchange(),
        Optional.ofNullable(row.getSymbol()).map(Symbol::new),
        row.getPositionId() == null ? OptionalLong.empty() : OptionalLong.of(row.getPositionId()),
        row.getCorrelationKey(),
        row.getType(),
        row.getSeverity(),
        Json.readPayload(row.getPayload().data()));
  }
}
