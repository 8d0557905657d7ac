package io.positionkeeper.ports.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * One row of the audit trail, as it crosses to the journal. The position id is a database id or
 * absent: an event about a position that has no row yet carries only its correlation key (the
 * client order id). The payload is flat text (decimals in plain notation) that the journal stores
 * as JSON.
 */
public record AuditRecord(
    String eventId,
    Instant time,
    Exchange exchange,
    Optional<Symbol> symbol,
    OptionalLong positionId,
    String correlationKey,
    String type,
    Severity severity,
    Map<String, String> payload) {

  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

  /**
   * The longest correlation key, in characters. Keys are client order ids (at most 36) and short
   * prefixes of venue ids; the bound keeps a key well inside what a database index entry can hold
   * (PostgreSQL's B-tree refuses an entry past about 2,700 bytes, and a character is up to 4).
   */
  public static final int MAX_CORRELATION_KEY = 200;

  /** The earliest time a journal can keep: PostgreSQL's {@code timestamptz} starts at 4713 BC. */
  public static final Instant MIN_TIME =
      LocalDate.of(-4712, 11, 24).atStartOfDay(ZoneOffset.UTC).toInstant();

  /** The latest time a journal can keep: PostgreSQL's {@code timestamptz} ends in 294276 AD. */
  public static final Instant MAX_TIME =
      LocalDate.of(294_277, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1_000);

  public AuditRecord {
    Checks.notBlank(eventId, "eventId");
    if (eventId.length() > 64) {
      throw new IllegalArgumentException("eventId must be at most 64 characters: " + eventId);
    }
    Objects.requireNonNull(time, "time");
    if (time.isBefore(MIN_TIME) || time.isAfter(MAX_TIME)) {
      throw new IllegalArgumentException(
          "time "
              + time
              + " is outside what a journal keeps ("
              + MIN_TIME
              + " to "
              + MAX_TIME
              + ")");
    }
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(positionId, "positionId");
    if (positionId.isPresent() && positionId.getAsLong() <= 0) {
      throw new IllegalArgumentException(
          "positionId must be a database id > 0, was " + positionId.getAsLong());
    }
    Checks.notBlank(correlationKey, "correlationKey");
    if (correlationKey.length() > MAX_CORRELATION_KEY) {
      throw new IllegalArgumentException(
          "correlationKey must be at most "
              + MAX_CORRELATION_KEY
              + " characters, was "
              + correlationKey.length()
              + ": "
              + correlationKey.substring(0, 40)
              + "...");
    }
    Objects.requireNonNull(type, "type");
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("type must be UPPER_SNAKE_CASE, was '" + type + "'");
    }
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(payload, "payload");
    var copy = new LinkedHashMap<String, String>();
    payload.forEach(
        (k, v) -> {
          Checks.notBlank(k, "payload key");
          copy.put(k, Objects.requireNonNull(v, () -> "payload value of '" + k + "'"));
        });
    payload = Collections.unmodifiableMap(copy);
  }

  /**
   * {@code key} if it fits {@link #MAX_CORRELATION_KEY}, else its start and a hash of the whole, so
   * that two long keys that differ only at the end stay apart. Never throws for a non-null key: it
   * is the fallback of code that must record something whatever it was given.
   */
  public static String fitCorrelationKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.length() <= MAX_CORRELATION_KEY) {
      return key;
    }
    String hash = "~" + Integer.toHexString(key.hashCode()) + "/" + key.length();
    int keep = MAX_CORRELATION_KEY - hash.length();
    // Never cut a surrogate pair in two.
    if (Character.isHighSurrogate(key.charAt(keep - 1))) {
      keep--;
    }
    return key.substring(0, keep) + hash;
  }

  /** {@code time} moved into the range a journal keeps ({@link #MIN_TIME} to {@link #MAX_TIME}). */
  public static Instant fitTime(Instant time) {
    Objects.requireNonNull(time, "time");
    return time.isBefore(MIN_TIME) ? MIN_TIME : time.isAfter(MAX_TIME) ? MAX_TIME : time;
  }

  /** The same record about the given stored position (used by a store that creates the row). */
  public AuditRecord withPositionId(long id) {
    return new AuditRecord(
        eventId,
        time,
        exchange,
        symbol,
        OptionalLong.of(id),
        correlationKey,
        type,
        severity,
        payload);
  }
}
