package io.positionkeeper.runner.live;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;

/**
 * The streams' liveness timings, optional on either venue: {@code streams.pingInterval} (how often
 * a quiet connection is pinged) and {@code streams.stallTimeout} (a connection silent this long is
 * cut and reopened), ISO-8601 durations such as {@code PT20S}, set together. A shorter stall
 * timeout finds a hung connection sooner at the cost of more reconnects on a slow network; unset,
 * each venue keeps its adapter's defaults (Binance 30 s / 90 s, Bybit 20 s / 60 s).
 */
final class StreamTimingsReader {
  static final String PING = "streams.pingInterval";
  static final String STALL = "streams.stallTimeout";

  /** A ping interval and a stall timeout longer than it. */
  record StreamTimings(Duration pingInterval, Duration stallTimeout) {}

  private StreamTimingsReader() {}

  static Optional<StreamTimings> read(Properties p) {
    String ping = p.getProperty(PING);
    String stall = p.getProperty(STALL);
    if (ping == null && stall == null) {
      return Optional.empty();
    }
    if (ping == null || stall == null) {
      String missing = ping == null ? PING : STALL;
      throw new ConfigException(
          missing,
          "missing: " + PING + " and " + STALL + " are set together",
          "set both, e.g. " + PING + "=PT20S and " + STALL + "=PT60S, or neither");
    }
    Duration pingInterval = duration(PING, ping);
    Duration stallTimeout = duration(STALL, stall);
    if (stallTimeout.compareTo(pingInterval) <= 0) {
      throw new ConfigException(
          STALL,
          "must exceed " + PING + " (" + pingInterval + "), was " + stallTimeout,
          "a stall timeout of two or three ping intervals");
    }
    return Optional.of(new StreamTimings(pingInterval, stallTimeout));
  }

  private static Duration duration(String field, String text) {
    Duration value;
    try {
      value = Duration.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new ConfigException(field, "not a duration: " + text, "write it as PT20S (20 s)");
    }
    if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ConfigException(field, "out of range: " + value, "a duration from PT1S to PT10M");
    }
    return value;
  }
}
