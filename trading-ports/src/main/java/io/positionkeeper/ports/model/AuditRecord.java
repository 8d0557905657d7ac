package io.positionkeeper.ports.model;

import java.time.Instant;
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

  public AuditRecord {
    Checks.notBlank(eventId, "eventId");
    if (eventId.length() > 64) {
      throw new IllegalArgumentException("eventId must be at most 64 characters: " + eventId);
    }
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(positionId, "positionId");
    if (positionId.isPresent() && positionId.getAsLong() <= 0) {
      throw new IllegalArgumentException(
          "positionId must be a database id > 0, was " + positionId.getAsLong());
    }
    Checks.notBlank(correlationKey, "correlationKey");
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
