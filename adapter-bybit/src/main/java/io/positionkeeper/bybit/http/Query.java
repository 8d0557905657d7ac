package io.positionkeeper.bybit.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds a query string in the order the parameters are added; the string is what is signed. */
public final class Query {
  private final StringBuilder text = new StringBuilder();

  public static Query of(String name, Object value) {
    return new Query().and(name, value);
  }

  public Query and(String name, Object value) {
    if (!text.isEmpty()) {
      text.append('&');
    }
    text.append(name)
        .append('=')
        .append(URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
    return this;
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
