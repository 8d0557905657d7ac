package io.positionkeeper.binance.http;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An ordered, percent-encoded query string. The signature covers the encoded text exactly as sent
 * (Binance symbols may contain CJK letters since 2025-10 and must then be encoded before signing).
 */
public final class Params {
  private final StringBuilder query = new StringBuilder(128);

  private Params() {}

  public static Params create() {
    return new Params();
  }

  public Params add(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, () -> "value of " + key);
    if (!query.isEmpty()) {
      query.append('&');
    }
    query.append(key).append('=').append(encode(value));
    return this;
  }

  public Params add(String key, long value) {
    return add(key, Long.toString(value));
  }

  /** Decimals in plain notation without trailing zeros ({@code 0.010} becomes {@code 0.01}). */
  public Params add(String key, BigDecimal value) {
    Objects.requireNonNull(value, () -> "value of " + key);
    return add(key, plain(value));
  }

  public boolean isEmpty() {
    return query.isEmpty();
  }

  /** The encoded query string, without a leading {@code ?}. */
  public String query() {
    return query.toString();
  }

  @Override
  public String toString() {
    return query.toString();
  }

  static String plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
  }

  private static String encode(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean unreserved =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.'
              || c == '~';
      if (!unreserved) {
        // URLEncoder writes a space as '+'; Binance decodes %20, which is unambiguous.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
      }
    }
    return value;
  }
}
