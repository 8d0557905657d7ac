package io.positionkeeper.domain.audit;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.Symbol;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One {@link AuditRecord} as one line of JSON, for the local spool file. The domain has no JSON
 * library, so this writes and reads exactly the shape it needs:
 *
 * <pre>{"v":1,"id":"…","time":"2026-01-01T00:00:00Z","exchange":"BINANCE","symbol":"BTCUSDT",
 * "positionId":12,"key":"…","type":"STOP_PLACED","severity":"INFO","payload":{"k":"v"}}</pre>
 *
 * <p>The line never holds a raw line break: control characters, {@code "}, {@code \}, U+2028,
 * U+2029 and unpaired surrogates are escaped, so every string round-trips exactly (a lone surrogate
 * would otherwise be replaced when the line is encoded to UTF-8). Decoding is strict: an unknown
 * version, a missing or unexpected field, trailing text or a malformed value is an {@link
 * IllegalArgumentException} that names the problem, never a silently different record.
 */
public final class AuditLineCodec {
  private static final int VERSION = 1;

  private AuditLineCodec() {}

  /** The record as one line of JSON, without the line terminator. */
  public static String encode(AuditRecord r) {
    StringBuilder out = new StringBuilder(256);
    out.append("{\"v\":").append(VERSION);
    out.append(",\"id\":");
    string(out, r.eventId());
    out.append(",\"time\":");
    string(out, r.time().toString());
    out.append(",\"exchange\":");
    string(out, r.exchange().name());
    out.append(",\"symbol\":");
    if (r.symbol().isPresent()) {
      string(out, r.symbol().get().value());
    } else {
      out.append("null");
    }
    out.append(",\"positionId\":");
    if (r.positionId().isPresent()) {
      out.append(r.positionId().getAsLong());
    } else {
      out.append("null");
    }
    out.append(",\"key\":");
    string(out, r.correlationKey());
    out.append(",\"type\":");
    string(out, r.type());
    out.append(",\"severity\":");
    string(out, r.severity().name());
    out.append(",\"payload\":{");
    boolean first = true;
    for (Map.Entry<String, String> e : r.payload().entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      string(out, e.getKey());
      out.append(':');
      string(out, e.getValue());
    }
    out.append("}}");
    return out.toString();
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == 0x7f) {
            unicodeEscape(out, c);
          } else if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            unicodeEscape(out, c);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void unicodeEscape(StringBuilder out, char c) {
    out.append("\\u");
    String hex = Integer.toHexString(c);
    out.append("0".repeat(4 - hex.length())).append(hex);
  }

  /**
   * The record a line holds.
   *
   * @throws IllegalArgumentException when the line is not a record this codec wrote
   */
  public static AuditRecord decode(String line) {
    Parser p = new Parser(line);
    p.expect('{');
    p.key("v");
    long version = p.number();
    if (version != VERSION) {
      throw p.error("unsupported version " + version);
    }
    p.expect(',');
    p.key("id");
    String id = p.string();
    p.expect(',');
    p.key("time");
    Instant time = p.instant();
    p.expect(',');
    p.key("exchange");
    Exchange exchange = p.enumValue(Exchange.class);
    p.expect(',');
    p.key("symbol");
    Optional<Symbol> symbol = p.isNull() ? Optional.empty() : Optional.of(p.symbol());
    p.expect(',');
    p.key("positionId");
    OptionalLong positionId = p.isNull() ? OptionalLong.empty() : OptionalLong.of(p.number());
    p.expect(',');
    p.key("key");
    String key = p.string();
    p.expect(',');
    p.key("type");
    String type = p.string();
    p.expect(',');
    p.key("severity");
    Severity severity = p.enumValue(Severity.class);
    p.expect(',');
    p.key("payload");
    Map<String, String> payload = p.stringMap();
    p.expect('}');
    p.end();
    try {
      return new AuditRecord(id, time, exchange, symbol, positionId, key, type, severity, payload);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "audit line holds an invalid record: " + e.getMessage(), e);
    }
  }

  /** A strict reader of the JSON subset {@link #encode} writes. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("malformed audit line at " + pos + ": " + what);
    }

    void expect(char c) {
      if (pos >= s.length() || s.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    void key(String name) {
      String k = string();
      if (!k.equals(name)) {
        throw error("expected field \"" + name + "\", found \"" + k + "\"");
      }
      expect(':');
    }

    void end() {
      if (pos != s.length()) {
        throw error("unexpected text after the record");
      }
    }

    boolean isNull() {
      if (s.startsWith("null", pos)) {
        pos += 4;
        return true;
      }
      return false;
    }

    long number() {
      int start = pos;
      if (pos < s.length() && s.charAt(pos) == '-') {
        pos++;
      }
      while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
        pos++;
      }
      try {
        return Long.parseLong(s.substring(start, pos));
      } catch (NumberFormatException e) {
        pos = start;
        throw error("expected an integer");
      }
    }

    Instant instant() {
      String text = string();
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw error("bad time '" + text + "'");
      }
    }

    Symbol symbol() {
      String text = string();
      try {
        return Symbol.of(text);
      } catch (IllegalArgumentException e) {
        throw error(e.getMessage());
      }
    }

    <E extends Enum<E>> E enumValue(Class<E> type) {
      String text = string();
      try {
        return Enum.valueOf(type, text);
      } catch (IllegalArgumentException e) {
        throw error("unknown " + type.getSimpleName() + " '" + text + "'");
      }
    }

    Map<String, String> stringMap() {
      expect('{');
      Map<String, String> map = new LinkedHashMap<>();
      if (pos < s.length() && s.charAt(pos) == '}') {
        pos++;
        return map;
      }
      while (true) {
        String k = string();
        expect(':');
        String v = string();
        if (map.put(k, v) != null) {
          throw error("duplicate payload key \"" + k + "\"");
        }
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
          continue;
        }
        expect('}');
        return map;
      }
    }

    String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c < 0x20) {
          throw error("raw control character in a string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (pos >= s.length()) {
          throw error("unterminated escape");
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '"' -> out.append('"');
          case '\\' -> out.append('\\');
          case '/' -> out.append('/');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("short \\u escape");
            }
            int code = 0;
            for (int i = 0; i < 4; i++) {
              int digit = Character.digit(s.charAt(pos + i), 16);
              if (digit < 0) {
                throw error("bad \\u escape");
              }
              code = code * 16 + digit;
            }
            pos += 4;
            out.append((char) code);
          }
          default -> throw error("unknown escape \\" + e);
        }
      }
    }
  }
}
