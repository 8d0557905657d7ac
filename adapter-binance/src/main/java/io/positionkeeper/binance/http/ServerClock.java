package io.positionkeeper.binance.http;

import io.positionkeeper.ports.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The venue's clock as seen from here: local time plus the offset measured with {@code GET
 * /fapi/v1/time} (half the round trip is attributed to each direction). Signed requests stamp
 * {@code timestamp} with it, so a skewed local clock does not cause -1021.
 */
public final class ServerClock {
  private final Clock clock;
  private volatile long offsetMillis;
  private volatile Instant lastSync;

  public ServerClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The estimated current server time in epoch milliseconds. */
  public long nowMillis() {
    return clock.now().toEpochMilli() + offsetMillis;
  }

  public Instant now() {
    return Instant.ofEpochMilli(nowMillis());
  }

  /** Local time (for rate-limit waits, which the venue states as durations). */
  public Instant localNow() {
    return clock.now();
  }

  /** Records a measurement: the server said {@code serverMillis} between sending and receiving. */
  public void update(long serverMillis, Instant sentAt, Instant receivedAt) {
    long mid = sentAt.toEpochMilli() + (receivedAt.toEpochMilli() - sentAt.toEpochMilli()) / 2;
    offsetMillis = serverMillis - mid;
    lastSync = receivedAt;
  }

  public long offsetMillis() {
    return offsetMillis;
  }

  /** Whether no measurement exists or the last one is older than {@code interval}. */
  public boolean stale(Duration interval) {
    Instant last = lastSync;
    return last == null || Duration.between(last, clock.now()).compareTo(interval) >= 0;
  }
}
