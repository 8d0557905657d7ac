package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.DEAD_LETTER_EVENTS;

import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Symbol;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.JSON;

/**
 * {@link DeadLetterStore} on PostgreSQL. A record is refused because something in it is bad, so
 * this store must accept what the journal did not: the whole record is kept exactly as JSON text (a
 * {@code json} column keeps {@code \u0000} escapes, which {@code jsonb} and {@code text} refuse),
 * and the searchable text columns hold copies with any NUL character replaced.
 */
public final class JooqDeadLetterStore implements DeadLetterStore {
  private static final char REPLACEMENT = '\uFFFD';

  private final Database db;

  public JooqDeadLetterStore(DataSource dataSource) {
    this.db = new Database(dataSource);
  }

  @Override
  public void deadLetter(AuditRecord record, String reason) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(reason, "reason");
    db.inTransaction(
        "dead-letter event " + record.eventId(),
        (ctx, c) ->
            ctx.insertInto(DEAD_LETTER_EVENTS)
                .set(DEAD_LETTER_EVENTS.EVENT_ID, printable(record.eventId()))
                .set(DEAD_LETTER_EVENTS.CORRELATION_KEY, printable(record.correlationKey()))
                .set(DEAD_LETTER_EVENTS.EXCHANGE, record.exchange().name())
                .set(DEAD_LETTER_EVENTS.TYPE, record.type())
                .set(DEAD_LETTER_EVENTS.EVENT_TIME, AuditRows.micros(record.time()))
                .set(
                    DEAD_LETTER_EVENTS.RECORD,
                    JSON.valueOf(StorableText.escapeUnpaired(Json.write(asMap(record)))))
                .set(DEAD_LETTER_EVENTS.REASON, printable(reason))
                .execute());
  }

  /** The record as JSON: every field, the time to the nanosecond, as the journal got it. */
  static Map<String, Object> asMap(AuditRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("eventId", r.eventId());
    m.put("time", r.time().toString());
    m.put("exchange", r.exchange().name());
    m.put("symbol", r.symbol().map(Symbol::value).orElse(null));
    m.put("positionId", r.positionId().isPresent() ? r.positionId().getAsLong() : null);
    m.put("correlationKey", r.correlationKey());
    m.put("type", r.type());
    m.put("severity", r.severity().name());
    m.put("payload", r.payload());
    return m;
  }

  /** The text with NUL and unpaired surrogates (which text columns cannot hold) replaced. */
  private static String printable(String s) {
    String noNul = s.indexOf('\0') < 0 ? s : s.replace('\0', REPLACEMENT);
    if (StorableText.unpairedSurrogate(noNul) < 0) {
      return noNul;
    }
    StringBuilder out = new StringBuilder(noNul.length());
    noNul
        .codePoints()
        .forEach(
            cp ->
                out.appendCodePoint(
                    Character.isSurrogate((char) cp) && cp < 0x10000 ? REPLACEMENT : cp));
    return out.toString();
  }
}
