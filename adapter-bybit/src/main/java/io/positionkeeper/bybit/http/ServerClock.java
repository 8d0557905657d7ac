package io.positionkeeper.bybit.http;

import io.positionkeeper.ports.Clock;
import java.time.Instant;

/**
 * The local clock corrected by the offset to the venue's, measured from {@code /v5/market/time}.
 * Bybit accepts a timestamp only within {@code server - recvWindow <= ts < server + 1000}, so a
 * local clock running ahead by a second is enough for {@code 10002}.
 */
final class ServerClock {
  private final Clock clock;
  private volatile long offsetMillis;

  ServerClock(Clock clock) {
    this.clock = clock;
  }

  long nowMillis() {
    return clock.now().toEpochMilli() + offsetMillis;
  }

  /** Adopts the venue's time, measured at the midpoint of the request that read it. */
  void adopt(long serverMillis, Instant sentAt, Instant receivedAt) {
    long mid = sentAt.toEpochMilli() + (receivedAt.toEpochMilli() - sentAt.toEpochMilli()) / 2;
    offsetMillis = serverMillis - mid;
  }

  long offsetMillis() {
    return offsetMillis;
  }
}
