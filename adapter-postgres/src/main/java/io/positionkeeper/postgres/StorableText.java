package io.positionkeeper.postgres;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Symbol;
import java.util.Map;
import java.util.Optional;

/**
 * What text PostgreSQL can keep exactly. A lone UTF-16 surrogate has no UTF-8 form: the driver
 * encodes it as {@code ?}, so the row stored would differ from the record submitted while the write
 * reports success. Such a record is refused before anything is sent (and dead-lettered by the
 * caller, where it is kept exactly, escaped), never stored altered.
 */
final class StorableText {
  /** The refusal code of a record holding text PostgreSQL cannot keep. */
  static final String UNPAIRED_SURROGATE = "UNPAIRED_SURROGATE";

  private StorableText() {}

  /** Why PostgreSQL could not keep {@code r} exactly, or empty when it can. */
  static Optional<String> problem(AuditRecord r) {
    Optional<String> found =
        field("eventId", r.eventId())
            .or(() -> field("correlationKey", r.correlationKey()))
            .or(() -> field("symbol", r.symbol().map(Symbol::value).orElse("")));
    for (Map.Entry<String, String> e : r.payload().entrySet()) {
      found = found.or(() -> field("payload key", e.getKey()));
      found = found.or(() -> field("payload value of '" + e.getKey() + "'", e.getValue()));
    }
    return found;
  }

  private static Optional<String> field(String name, String value) {
    int at = unpairedSurrogate(value);
    return at < 0
        ? Optional.empty()
        : Optional.of(
            name
                + " holds an unpaired UTF-16 surrogate (U+"
                + Integer.toHexString(value.charAt(at)).toUpperCase()
                + " at index "
                + at
                + "), which PostgreSQL cannot store as it is");
  }

  /** The index of the first unpaired surrogate of {@code s}, or -1. */
  static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * JSON text with every unpaired surrogate written as a {@code \\uXXXX} escape: a {@code json}
   * column keeps the escape as it is, so the record is kept exactly.
   */
  static String escapeUnpaired(String json) {
    if (unpairedSurrogate(json) < 0) {
      return json;
    }
    StringBuilder out = new StringBuilder(json.length() + 16);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      boolean paired =
          (Character.isHighSurrogate(c)
                  && i + 1 < json.length()
                  && Character.isLowSurrogate(json.charAt(i + 1)))
              || (Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(json.charAt(i - 1)));
      if (Character.isSurrogate(c) && !paired) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
