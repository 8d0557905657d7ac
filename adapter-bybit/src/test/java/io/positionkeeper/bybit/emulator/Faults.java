package io.positionkeeper.bybit.emulator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The fault modes a test switches on; each one-shot mode is used up by the next request. */
public final class Faults {
  volatile Duration latency = Duration.ZERO;
  final AtomicInteger rateLimited = new AtomicInteger();
  volatile long rateLimitResetMillis = 200;
  final AtomicInteger ipBanned = new AtomicInteger();
  final AtomicLong clockSkewMillis = new AtomicLong();
  final AtomicReference<int[]> rejectNextOrder = new AtomicReference<>();
  volatile String rejectMessage = "";
  final AtomicReference<Duration> ambiguousNextWrite = new AtomicReference<>();
  volatile boolean refuseAuth;
  volatile boolean stalled;

  /** Every REST answer waits this long. */
  public Faults latency(Duration value) {
    latency = value;
    return this;
  }

  /** The next {@code n} requests get {@code 10006} with a reset {@code resetMillis} ahead. */
  public Faults rateLimitNext(int n, long resetMillis) {
    rateLimitResetMillis = resetMillis;
    rateLimited.set(n);
    return this;
  }

  /** The next {@code n} requests get HTTP 403 (the IP limit). */
  public Faults ipBanNext(int n) {
    ipBanned.set(n);
    return this;
  }

  /** The venue's clock runs {@code millis} ahead of the caller's (negative: behind). */
  public Faults skewClock(long millis) {
    clockSkewMillis.set(millis);
    return this;
  }

  /** The next order create is refused with {@code retCode}. */
  public Faults rejectNextOrder(int retCode, String retMsg) {
    rejectMessage = retMsg;
    rejectNextOrder.set(new int[] {retCode});
    return this;
  }

  /**
   * The next write (order create or trading-stop) is answered with HTTP 502 and takes effect only
   * {@code applyAfter} later (zero: right away, the answer alone is lost).
   */
  public Faults ambiguousNextWrite(Duration applyAfter) {
    ambiguousNextWrite.set(applyAfter);
    return this;
  }

  /** The private stream refuses {@code op:auth}. */
  public Faults refuseAuth(boolean value) {
    refuseAuth = value;
    return this;
  }

  /** The streams go silent: no messages, no pongs. */
  public Faults stall(boolean value) {
    stalled = value;
    return this;
  }
}
