package io.positionkeeper.ports.model;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Audit event ids: UUIDs of version 7 (RFC 9562) in their canonical text form, 36 characters.
 *
 * <p>A version 7 UUID starts with its Unix time in milliseconds, so ids made later sort after ids
 * made earlier, as bytes and as text. This is what keeps the journal fast: its unique index on the
 * event id then grows at its right edge, one hot page, instead of at a random leaf for every event
 * (random version 4 ids cost the journal a quarter to a third of its throughput, see
 * BENCHMARKS.md).
 *
 * <p>Within this JVM the ids are strictly increasing: the 12 bits after the version count the ids
 * of one millisecond (RFC 9562, method 1), and a clock that steps back does not make an id go back
 * (the count goes on from the last id instead). Uniqueness across processes rests on the 62 random
 * bits at the end. They come from {@link ThreadLocalRandom}: an id is not a secret, it only has to
 * differ, and a cryptographic generator would cost the trading path for nothing.
 */
public final class EventIds {
  private static final int COUNTER_BITS = 12;
  private static final long VERSION_7 = 0x7000L;
  private static final long VARIANT_RFC = 0x8000_0000_0000_0000L;
  private static final long RANDOM_62 = 0x3FFF_FFFF_FFFF_FFFFL;

  private static final EventIds SHARED = new EventIds();

  /** The last stamp handed out: Unix milliseconds, shifted left, plus the count within them. */
  private final AtomicLong last = new AtomicLong();

  /** A generator of its own (tests); the trail uses {@link #next()}. */
  EventIds() {}

  /** A new event id, later in order than every id this JVM made before. */
  public static String next() {
    return SHARED.at(System.currentTimeMillis()).toString();
  }

  /** A new id for a clock reading of {@code unixMillis}. */
  UUID at(long unixMillis) {
    if (unixMillis < 0 || unixMillis >= 1L << 48) {
      throw new IllegalArgumentException("unixMillis out of UUIDv7's 48 bits: " + unixMillis);
    }
    long floor = unixMillis << COUNTER_BITS;
    long stamp = last.updateAndGet(previous -> Math.max(previous + 1, floor));
    long millis = stamp >>> COUNTER_BITS;
    long count = stamp & ((1L << COUNTER_BITS) - 1);
    long high = millis << 16 | VERSION_7 | count;
    long low = VARIANT_RFC | (ThreadLocalRandom.current().nextLong() & RANDOM_62);
    return new UUID(high, low);
  }
}
