package io.positionkeeper.domain.venue;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Symbol;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic client order ids. The entry id is a hash of the intent, so the same intent sent
 * twice (a retry, a restart) names the same order and the venue never creates a second one. Stop
 * and close ids derive from the entry id, numbered per attempt; all fit the venues' 36 characters.
 */
public final class ClientIds {
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private ClientIds() {}

  /** The entry order id of an intent: {@code pko-} and 20 characters of its SHA-256. */
  public static ClientOrderId entry(
      Exchange exchange, Symbol symbol, PositionSide side, String intentId) {
    return ClientOrderId.of("pko-" + hash(exchange + "|" + symbol + "|" + side + "|" + intentId));
  }

  /** The n-th stop-loss order id of the position opened by {@code entry}. */
  public static ClientOrderId stop(ClientOrderId entry, int n) {
    return derived("pks-", entry, n);
  }

  /**
   * The id of a trailing move of the stop of the position opened by {@code entry}: unique per
   * millisecond, and at most one move happens per minimum interval.
   */
  public static ClientOrderId stopMove(ClientOrderId entry, java.time.Instant now) {
    return ClientOrderId.of("pkm-" + base(entry) + "-" + Long.toString(now.toEpochMilli(), 36));
  }

  /**
   * A close order id of the position opened by {@code entry}. {@code sequence} must never repeat
   * for one position, across restarts too (see {@link CloseOrderIds}): a reused id could find an
   * earlier close's report and take it for this one.
   */
  public static ClientOrderId close(ClientOrderId entry, long sequence) {
    if (sequence < 1) {
      throw new IllegalArgumentException("close sequences start at 1, was " + sequence);
    }
    return ClientOrderId.of("pkc-" + base(entry) + "-" + Long.toString(sequence, 36));
  }

  private static ClientOrderId derived(String prefix, ClientOrderId entry, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("attempt numbers start at 1, was " + n);
    }
    return ClientOrderId.of(prefix + base(entry) + "-" + n);
  }

  /**
   * A stop placed by reconciliation for row {@code dbId}: {@code pkr-<id>-<ms>-<n>} in base 36 (at
   * most 31 characters), the {@code n}th attempt of the protection that started at {@code at}. No
   * two attempts share an id, so an answer about one never stands for another.
   */
  public static ClientOrderId reconcileStop(long dbId, java.time.Instant at, int n) {
    return ClientOrderId.of(
        "pkr-"
            + Long.toString(dbId, 36)
            + "-"
            + Long.toString(at.toEpochMilli(), 36)
            + "-"
            + Integer.toString(n, 36));
  }

  /**
   * Whether {@code candidate} is a stop of the position opened by {@code entry} and stored as row
   * {@code dbId}: its first stop, a trailing move, or one reconciliation placed. A stop of another
   * position on the same symbol never matches, so cleaning up after one position cannot cancel the
   * next one's stop.
   */
  public static boolean isStopOf(ClientOrderId entry, long dbId, ClientOrderId candidate) {
    return isEntryStopOf(entry, candidate)
        || candidate.value().startsWith("pkr-" + Long.toString(dbId, 36) + "-");
  }

  /**
   * Whether {@code candidate} is a stop the opener or a trailing move placed for the position
   * opened by {@code entry} (what can be told before the position has a row).
   */
  public static boolean isEntryStopOf(ClientOrderId entry, ClientOrderId candidate) {
    String id = candidate.value();
    String base = base(entry);
    return id.startsWith("pks-" + base + "-") || id.startsWith("pkm-" + base + "-");
  }

  /** Whether {@code candidate} is a close order of the position opened by {@code entry}. */
  public static boolean isCloseOf(ClientOrderId entry, ClientOrderId candidate) {
    return candidate.value().startsWith("pkc-" + base(entry) + "-");
  }

  /** Whether {@code candidate} is a stop this library placed, for any position. */
  public static boolean isOurStop(ClientOrderId candidate) {
    String id = candidate.value();
    return id.startsWith("pks-") || id.startsWith("pkm-") || id.startsWith("pkr-");
  }

  private static String base(ClientOrderId entry) {
    return entry.value().startsWith("pko-") ? entry.value().substring(4) : hash(entry.value());
  }

  private static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder out = new StringBuilder(20);
      int buffer = 0;
      int bits = 0;
      for (byte b : digest) {
        buffer = (buffer << 8) | (b & 0xff);
        bits += 8;
        while (bits >= 5 && out.length() < 20) {
          out.append(BASE32[(buffer >> (bits - 5)) & 31]);
          bits -= 5;
        }
        if (out.length() == 20) {
          break;
        }
      }
      return out.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
