package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.EVENTS;

import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
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
import org.jooq.Param;
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

  private static final Param<String> EVENT_ID =
      RenderedStatement.param("event_id", EVENTS.EVENT_ID);
  private static final Param<String> CORRELATION_KEY =
      RenderedStatement.param("event_correlation_key", EVENTS.CORRELATION_KEY);
  private static final Param<Exchange> EXCHANGE =
      RenderedStatement.param("event_exchange", EVENTS.EXCHANGE);
  private static final Param<String> SYMBOL =
      RenderedStatement.param("event_symbol", EVENTS.SYMBOL);
  private static final Param<String> TYPE = RenderedStatement.param("event_type", EVENTS.TYPE);
  private static final Param<Severity> SEVERITY =
      RenderedStatement.param("event_severity", EVENTS.SEVERITY);
  private static final Param<JSONB> PAYLOAD =
      RenderedStatement.param("event_payload", EVENTS.PAYLOAD);
  private static final Param<Instant> EVENT_TIME =
      RenderedStatement.param("event_time", EVENTS.EVENT_TIME);

  /**
   * The insert of one event as a part of a larger statement rendered once ({@link
   * RenderedStatement}): the event about the position whose id {@code positionId} reads from {@code
   * source} (a {@code WITH} part that returns the id of the row it wrote), one row when {@code
   * source} has one and none otherwise; an event id stored already is left as it is, as in {@link
   * #insert}. {@link #bind} gives each run its event.
   */
  static Insert<EventsRecord> insertFrom(Table<?> source, Field<Long> positionId) {
    return DSL.insertInto(
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
                    EVENT_ID,
                    AccountScope.ACCOUNT,
                    positionId,
                    CORRELATION_KEY,
                    EXCHANGE,
                    SYMBOL,
                    TYPE,
                    SEVERITY,
                    PAYLOAD,
                    EVENT_TIME)
                .from(source))
        .onConflict(EVENTS.EVENT_ID)
        .doNothing();
  }

  /**
   * Sets the values of an {@link #insertFrom} part to the event {@code r} (its account is the
   * statement's, {@link AccountScope#ACCOUNT}).
   */
  static void bind(RenderedStatement.Values values, AuditRecord r) {
    Objects.requireNonNull(r, "event");
    values
        .set(EVENT_ID, r.eventId())
        .set(CORRELATION_KEY, r.correlationKey())
        .set(EXCHANGE, r.exchange())
        .set(SYMBOL, symbol(r))
        .set(TYPE, r.type())
        .set(SEVERITY, r.severity())
        .set(PAYLOAD, JSONB.valueOf(Json.write(r.payload())))
        .set(EVENT_TIME, micros(r.time()));
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
