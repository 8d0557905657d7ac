package io.positionkeeper.binance.parse;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict, allocation-light reader for ordinary stream frames: one pass over the text, keys
 * compared in place, only the values {@link Fields} keeps are copied out. It follows the JSON
 * grammar for everything it reads or skips. It declines ({@link #scan} returns null) rather than
 * guess: on an escape inside a kept value, a structure it does not expect, an {@code error} member,
 * or any syntax error; {@link StreamDecoder} then reads the frame with Gson, whose verdict counts.
 */
final class FastScanner {
  /** The top-level object, or the top-level array. */
  record Frame(Fields root, List<Fields> array) {}

  /** Thrown to decline; carries no stack trace, it is control flow. */
  private static final class Decline extends RuntimeException {
    Decline() {
      super(null, null, false, false);
    }
  }

  private static final Decline DECLINE = new Decline();

  private final String s;
  private final int n;
  private int pos;

  private FastScanner(String s) {
    this.s = s;
    this.n = s.length();
  }

  /** The frame's fields, or null when the frame needs the full reader. */
  static Frame scan(String frame) {
    FastScanner sc = new FastScanner(frame);
    try {
      sc.ws();
      Frame result;
      char c = sc.peek();
      if (c == '{') {
        result = new Frame(sc.object(), null);
      } else if (c == '[') {
        result = new Frame(null, sc.objects());
      } else {
        return null;
      }
      sc.ws();
      return sc.pos == sc.n ? result : null;
    } catch (Decline | StringIndexOutOfBoundsException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------ structure

  private Fields object() {
    expect('{');
    Fields f = new Fields();
    ws();
    if (peek() == '}') {
      pos++;
      return f;
    }
    while (true) {
      ws();
      expect('"');
      int keyStart = pos;
      int keyEnd = plainStringEnd();
      pos = keyEnd + 1;
      ws();
      expect(':');
      ws();
      member(f, keyStart, keyEnd - keyStart);
      ws();
      char c = next();
      if (c == '}') {
        return f;
      }
      if (c != ',') {
        throw DECLINE;
      }
    }
  }

  /** An array whose elements are all objects (a.P[], a markPrice array). */
  private List<Fields> objects() {
    expect('[');
    List<Fields> out = new ArrayList<>(4);
    ws();
    if (peek() == ']') {
      pos++;
      return out;
    }
    while (true) {
      ws();
      if (peek() != '{') {
        throw DECLINE;
      }
      out.add(object());
      ws();
      char c = next();
      if (c == ']') {
        return out;
      }
      if (c != ',') {
        throw DECLINE;
      }
    }
  }

  private boolean key(int start, int len, String name) {
    return len == name.length() && s.regionMatches(start, name, 0, len);
  }

  private void member(Fields f, int k, int len) {
    switch (len) {
      case 1 -> {
        switch (s.charAt(k)) {
          case 'e' -> f.e = scalar();
          case 'E' -> f.bigE = scalar();
          case 'T' -> f.bigT = scalar();
          case 's' -> f.s = scalar();
          case 'c' -> f.c = scalar();
          case 'S' -> f.bigS = scalar();
          case 'x' -> f.x = scalar();
          case 'X' -> f.bigX = scalar();
          case 'i' -> f.i = scalar();
          case 'q' -> f.q = scalar();
          case 'l' -> f.l = scalar();
          case 'z' -> f.z = scalar();
          case 'L' -> f.bigL = scalar();
          case 't' -> f.t = scalar();
          case 'R' -> f.bigR = scalar();
          case 'p' -> f.p = scalar();
          case 'm' -> f.m = scalar();
          case 'o' -> {
            if (peek() == '{') {
              f.nestedO = object();
            } else {
              f.o = scalar();
            }
          }
          case 'a' -> {
            f.aPresent = true;
            if (peek() == '{') {
              f.a = object();
            } else {
              skip();
            }
          }
          case 'P' -> {
            if (peek() == '[') {
              f.rows = objects();
            } else {
              skip();
            }
          }
          default -> skip();
        }
      }
      case 2 -> {
        if (key(k, 2, "ap")) {
          f.ap = scalar();
        } else if (key(k, 2, "cp")) {
          f.cp = scalar();
        } else if (key(k, 2, "rp")) {
          f.rp = scalar();
        } else if (key(k, 2, "ps")) {
          f.ps = scalar();
        } else if (key(k, 2, "ai")) {
          f.ai = scalar();
        } else if (key(k, 2, "aq")) {
          f.aq = scalar();
        } else if (key(k, 2, "tp")) {
          f.tp = scalar();
        } else if (key(k, 2, "rm")) {
          f.rm = scalar();
        } else if (key(k, 2, "pa")) {
          f.pa = scalar();
        } else if (key(k, 2, "ep")) {
          f.ep = scalar();
        } else if (key(k, 2, "id")) {
          if (peek() == 'n') {
            literal("null");
            f.id = "null";
          } else {
            f.id = scalar();
          }
        } else {
          skip();
        }
      }
      case 3 -> {
        if (key(k, 3, "aid")) {
          f.aid = scalar();
        } else {
          skip();
        }
      }
      case 4 -> {
        if (key(k, 4, "caid")) {
          f.caid = scalar();
        } else if (key(k, 4, "data")) {
          char c = peek();
          if (c == '{') {
            f.data = object();
          } else if (c == '[') {
            f.dataArray = objects();
          } else {
            skip();
          }
        } else {
          skip();
        }
      }
      case 5 -> {
        if (key(k, 5, "error")) {
          throw DECLINE; // rare: the full reader renders it
        }
        skip();
      }
      case 6 -> {
        if (key(k, 6, "stream")) {
          f.stream = scalar();
        } else if (key(k, 6, "result")) {
          f.result = true;
          skip();
        } else {
          skip();
        }
      }
      default -> skip();
    }
  }

  // ------------------------------------------------------------------ values

  /** A string (without escapes), number (its literal text) or boolean; null for JSON null. */
  private String scalar() {
    char c = peek();
    if (c == '"') {
      pos++;
      int start = pos;
      int end = plainStringEnd();
      pos = end + 1;
      return s.substring(start, end);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      int start = pos;
      number();
      return s.substring(start, pos);
    }
    if (c == 't') {
      literal("true");
      return "true";
    }
    if (c == 'f') {
      literal("false");
      return "false";
    }
    if (c == 'n') {
      literal("null");
      return null;
    }
    throw DECLINE; // an object or array where a value is expected: the full reader says so
  }

  /** The index of the closing quote of a string starting at pos; declines on an escape. */
  private int plainStringEnd() {
    for (int i = pos; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"') {
        return i;
      }
      if (c == '\\' || c < 0x20) {
        throw DECLINE;
      }
    }
    throw DECLINE;
  }

  /** Skips any value, checking it is well formed. */
  private void skip() {
    char c = peek();
    switch (c) {
      case '"' -> skipString();
      case '{' -> {
        pos++;
        ws();
        if (peek() == '}') {
          pos++;
          return;
        }
        while (true) {
          ws();
          if (peek() != '"') {
            throw DECLINE;
          }
          skipString();
          ws();
          expect(':');
          ws();
          skip();
          ws();
          char d = next();
          if (d == '}') {
            return;
          }
          if (d != ',') {
            throw DECLINE;
          }
        }
      }
      case '[' -> {
        pos++;
        ws();
        if (peek() == ']') {
          pos++;
          return;
        }
        while (true) {
          ws();
          skip();
          ws();
          char d = next();
          if (d == ']') {
            return;
          }
          if (d != ',') {
            throw DECLINE;
          }
        }
      }
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
        } else {
          throw DECLINE;
        }
      }
    }
  }

  private void skipString() {
    expect('"');
    while (true) {
      char c = s.charAt(pos++);
      if (c == '"') {
        return;
      }
      if (c < 0x20) {
        throw DECLINE;
      }
      if (c == '\\') {
        char e = s.charAt(pos++);
        switch (e) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {}
          case 'u' -> {
            for (int i = 0; i < 4; i++) {
              if (Character.digit(s.charAt(pos++), 16) < 0) {
                throw DECLINE;
              }
            }
          }
          default -> throw DECLINE;
        }
      }
    }
  }

  /** JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private void number() {
    if (peek() == '-') {
      pos++;
    }
    char c = next();
    if (c == '0') {
      // no leading zeros
    } else if (c >= '1' && c <= '9') {
      digits(false);
    } else {
      throw DECLINE;
    }
    if (pos < n && s.charAt(pos) == '.') {
      pos++;
      digits(true);
    }
    if (pos < n && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      pos++;
      if (pos < n && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        pos++;
      }
      digits(true);
    }
  }

  private void digits(boolean atLeastOne) {
    int start = pos;
    while (pos < n && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
    }
    if (atLeastOne && pos == start) {
      throw DECLINE;
    }
  }

  private void literal(String word) {
    if (!s.startsWith(word, pos)) {
      throw DECLINE;
    }
    pos += word.length();
  }

  private void ws() {
    while (pos < n) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  private char peek() {
    if (pos >= n) {
      throw DECLINE;
    }
    return s.charAt(pos);
  }

  private char next() {
    if (pos >= n) {
      throw DECLINE;
    }
    return s.charAt(pos++);
  }

  private void expect(char c) {
    if (next() != c) {
      throw DECLINE;
    }
  }
}
