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
import org.jooq.Field;
import org.jooq.Insert;
import org.jooq.JSONB;
import org.jooq.Table;
import org.jooq.impl.DSL;

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

  /**
   * The insert of one event as a part of a larger statement: the event about the position whose id
   * {@code positionId} reads from {@code source} (a {@code WITH} part that returns the id of the
   * row it wrote), one row when {@code source} has one and none otherwise; an event id stored
   * already is left as it is, as in {@link #insert}.
   */
  static Insert<EventsRecord> insertFrom(
      DSLContext ctx, AccountId account, AuditRecord r, Table<?> source, Field<Long> positionId) {
    Objects.requireNonNull(r, "event");
    return ctx.insertInto(
            EVENTS,
            EVENTS.EVENT_ID,
            EVENTS.ACCOUNT,
            EVENTS.POSITION_ID,
            EVENTS.CORRELATION_KEY,
            EVENTS.EXCHANGE,
            EVENTS.SYMBOL,
            EVENTS.TYPE,
            EVENTS.SEVERITY,
            EVENTS.PAYLOAD,
            EVENTS.EVENT_TIME)
        .select(
            DSL.select(
                    DSL.val(r.eventId(), EVENTS.EVENT_ID),
                    DSL.val(account.value(), EVENTS.ACCOUNT),
                    positionId,
                    DSL.val(r.correlationKey(), EVENTS.CORRELATION_KEY),
                    DSL.val(r.exchange(), EVENTS.EXCHANGE),
                    DSL.val(symbol(r), EVENTS.SYMBOL),
                    DSL.val(r.type(), EVENTS.TYPE),
                    DSL.val(r.severity(), EVENTS.SEVERITY),
                    DSL.val(JSONB.valueOf(Json.write(r.payload())), EVENTS.PAYLOAD),
                    DSL.val(micros(r.time()), EVENTS.EVENT_TIME))
                .from(source))
        .onConflict(EVENTS.EVENT_ID)
        .doNothing();
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
