package io.positionkeeper.postgres;

import static io.positionkeeper.postgres.schema.Tables.DEAD_LETTER_EVENTS;

import io.positionkeeper.ports.DeadLetterStore;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Lease;
import io.positionkeeper.ports.model.Symbol;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.JSON;

/**
 * {@link DeadLetterStore} on PostgreSQL. A record is refused because something in it is bad, so
 * this store must accept what the journal did not: the whole record is kept exactly as JSON text (a
 * {@code json} column keeps {@code \u0000} escapes, which {@code jsonb} and {@code text} refuse),
 * and the searchable text columns hold copies with any NUL character replaced.
 *
 * <p>A store is bound to one account, the account of the journal whose refusals it keeps: every row
 * it writes carries that account, and {@link #deadLetters(int)} reads that account's rows only.
 * Writes are not fenced by a lease: a dead letter is bookkeeping of a record the runner made, and
 * refusing it because the runner just lost its lease would only lose the reason it was refused.
 */
public final class JooqDeadLetterStore implements DeadLetterStore {
  private static final char REPLACEMENT = '\uFFFD';

  private final Database db;
  private final AccountId account;

  /** A store of the {@link AccountId#DEFAULT} account (paper mode, single-account setups). */
  public JooqDeadLetterStore(DataSource dataSource) {
    this(dataSource, AccountId.DEFAULT);
  }

  /** A store of the lease's account (unfenced, see above). */
  public JooqDeadLetterStore(DataSource dataSource, Lease lease) {
    this(dataSource, Objects.requireNonNull(lease, "lease").account());
  }

  /** A store of {@code account}'s dead letters. */
  public JooqDeadLetterStore(DataSource dataSource, AccountId account) {
    this.db = new Database(dataSource);
    this.account = Objects.requireNonNull(account, "account");
  }

  /** One stored dead letter: the searchable copies, the reason, the exact record as JSON text. */
  public record DeadLetter(
      long id,
      AccountId account,
      String eventId,
      String type,
      Instant eventTime,
      String reason,
      Instant deadLetteredAt,
      String recordJson) {}

  /** This store's account's dead letters, at most {@code limit}, the latest first. */
  public List<DeadLetter> deadLetters(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return db.read(
        "read dead letters of account " + account.value(),
        (ctx, c) ->
            ctx.selectFrom(DEAD_LETTER_EVENTS)
                .where(DEAD_LETTER_EVENTS.ACCOUNT.eq(account.value()))
                .orderBy(DEAD_LETTER_EVENTS.ID.desc())
                .limit(limit)
                .fetch(
                    r ->
                        new DeadLetter(
                            r.getId(),
                            AccountId.of(r.getAccount()),
                            r.getEventId(),
                            r.getType(),
                            r.getEventTime(),
                            r.getReason(),
                            r.getDeadLetteredAt(),
                            r.getRecord().data())));
  }

  @Override
  public void deadLetter(AuditRecord record, String reason) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(reason, "reason");
    db.inTransaction(
        "dead-letter event " + record.eventId(),
        (ctx, c) ->
            ctx.insertInto(DEAD_LETTER_EVENTS)
                .set(DEAD_LETTER_EVENTS.ACCOUNT, account.value())
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
