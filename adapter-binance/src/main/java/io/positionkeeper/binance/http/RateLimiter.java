package io.positionkeeper.binance.http;

import io.positionkeeper.binance.parse.Wire;
import io.positionkeeper.ports.RateLimitedException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the client within Binance's limits. After a 429/418 (or -1003, -1015, -1008) the kinds of
 * request that limit covers fail here, without being sent, until the venue's {@code Retry-After}
 * has passed: a refused client must not keep hammering (repeated 429s turn into an IP ban). It also
 * reads the usage headers ({@code X-MBX-USED-WEIGHT-1M}, {@code X-MBX-ORDER-COUNT-10S/1M}) and
 * holds requests back at the limit until the venue's window rolls over, before the venue refuses.
 *
 * <p>New entries stop short of the order-count limits, at {@link #ENTRY_SHARE} of each: the rest of
 * the window is kept for protective orders (a stop, a close), so a burst of entries can never use
 * up the budget that the stop of the position it just opened needs. The venue's order-count limits
 * are per account and cover every order alike, so only the client can make this distinction.
 *
 * <table>
 *   <caption>What each block stops</caption>
 *   <tr><th>block</th><th>READ/USER_STREAM/CANCEL</th><th>ORDER</th><th>ORDER_EXEMPT</th></tr>
 *   <tr><td>IP (418, 429, -1003)</td><td>yes</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>order rate (429 -1015, order-count headers)</td><td>no</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>throttle (-1008)</td><td>no</td><td>yes</td><td>no</td></tr>
 *   <tr><td>weight header at limit</td><td>yes</td><td>no</td><td>no</td></tr>
 * </table>
 */
public final class RateLimiter {
  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

  /** How long -1008 throttling holds new orders back when the venue gives no Retry-After. */
  static final Duration THROTTLE_DEFAULT = Duration.ofSeconds(10);

  /** How long an IP ban lasts when a 418 comes without Retry-After (the venue's minimum). */
  static final Duration BAN_DEFAULT = Duration.ofMinutes(2);

  /** The share of each order-count window that new entries may use; the rest is for protection. */
  static final double ENTRY_SHARE = 0.8;

  private final ServerClock clock;

  private Instant ipBlockedUntil = Instant.MIN;
  private Instant ordersBlockedUntil = Instant.MIN;
  private Instant throttledUntil = Instant.MIN;
  private Instant weightBlockedUntil = Instant.MIN;
  private Instant entriesBlockedUntil = Instant.MIN;
  private String entriesReason = "";
  private String ipReason = "";
  private String ordersReason = "";
  private String throttleReason = "";

  private long weightLimit1m = 2400;
  private long orderLimit10s = 300;
  private long orderLimit1m = 1200;
  private long usedWeight1m = -1;
  // The server minute the last weight header was counted in: a new minute starts from zero.
  private long usedWeightMinute = -1;
  private long orderCount10s = -1;
  private long orderCount1m = -1;

  public RateLimiter(ServerClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The limits the venue announces in {@code exchangeInfo.rateLimits}. */
  public synchronized void setLimits(List<Wire.RateLimit> limits) {
    for (Wire.RateLimit l : limits) {
      switch (l.rateLimitType() + "/" + l.interval() + "/" + l.intervalNum()) {
        case "REQUEST_WEIGHT/MINUTE/1" -> weightLimit1m = l.limit();
        case "ORDERS/SECOND/10" -> orderLimit10s = l.limit();
        case "ORDERS/MINUTE/1" -> orderLimit1m = l.limit();
        default -> {
          // RAW_REQUESTS and other windows are not tracked by header here.
        }
      }
    }
  }

  /** Throws {@link RateLimitedException} when a block covers this kind of request. */
  public synchronized void check(RequestKind kind) {
    check(kind, 1);
  }

  /**
   * Throws {@link RateLimitedException} when a block covers this kind of request, or when a request
   * of this {@code weight} would take the weight used in the current minute past the limit (the
   * venue would answer 429 and then ban the IP): a heavy read waits for the next window instead.
   */
  public synchronized void check(RequestKind kind, int weight) {
    Instant now = clock.localNow();
    long serverNow = clock.nowMillis();
    if (kind.heldBackByWeight()
        && usedWeight1m >= 0
        && serverNow / 60_000 == usedWeightMinute
        && usedWeight1m + weight > weightLimit1m) {
      throw limited(
          kind,
          "used weight " + usedWeight1m + " + " + weight + " would pass " + weightLimit1m + "/min",
          now.plus(untilWindowEnd(serverNow, 60_000)),
          now);
    }
    if (now.isBefore(ipBlockedUntil)) {
      throw limited(kind, ipReason, ipBlockedUntil, now);
    }
    if (kind.placesOrder() && now.isBefore(ordersBlockedUntil)) {
      throw limited(kind, ordersReason, ordersBlockedUntil, now);
    }
    if (kind == RequestKind.ORDER && now.isBefore(throttledUntil)) {
      throw limited(kind, throttleReason, throttledUntil, now);
    }
    if (kind == RequestKind.ORDER && now.isBefore(entriesBlockedUntil)) {
      throw limited(kind, entriesReason, entriesBlockedUntil, now);
    }
    if (kind.heldBackByWeight() && now.isBefore(weightBlockedUntil)) {
      throw limited(kind, "used weight reached " + weightLimit1m + "/min", weightBlockedUntil, now);
    }
  }

  /** Reads the usage headers of any answer and blocks ahead of the venue at the limit. */
  public synchronized void onResponse(HttpHeaders headers) {
    Instant now = clock.localNow();
    long serverNow = clock.nowMillis();
    usedWeight1m = header(headers, "x-mbx-used-weight-1m", usedWeight1m);
    if (headers.firstValue("x-mbx-used-weight-1m").isPresent()) {
      usedWeightMinute = serverNow / 60_000;
    }
    orderCount10s = header(headers, "x-mbx-order-count-10s", orderCount10s);
    orderCount1m = header(headers, "x-mbx-order-count-1m", orderCount1m);
    if (usedWeight1m >= weightLimit1m) {
      weightBlockedUntil = max(weightBlockedUntil, now.plus(untilWindowEnd(serverNow, 60_000)));
    }
    holdEntriesBack(now, serverNow);
    if (orderCount10s >= orderLimit10s) {
      blockOrders(
          now.plus(untilWindowEnd(serverNow, 10_000)),
          "order count reached " + orderLimit10s + "/10s");
    }
    if (orderCount1m >= orderLimit1m) {
      blockOrders(
          now.plus(untilWindowEnd(serverNow, 60_000)),
          "order count reached " + orderLimit1m + "/min");
    }
  }

  /**
   * Records a refusal and returns the exception for the caller. {@code code} is the body's error
   * code, or 0 when there was none.
   */
  public synchronized RateLimitedException onRefused(
      int status, int code, Duration retryAfter, RequestKind kind, String what) {
    Instant now = clock.localNow();
    long serverNow = clock.nowMillis();
    Duration wait;
    String reason;
    if (status == 418) {
      wait = retryAfter != null ? retryAfter : BAN_DEFAULT;
      reason = "IP banned (HTTP 418)";
      ipReason = reason;
      ipBlockedUntil = max(ipBlockedUntil, now.plus(wait));
    } else if (code == -1008) {
      wait = retryAfter != null ? retryAfter : THROTTLE_DEFAULT;
      reason = "venue overloaded (-1008); only reduce-only/close-position orders pass";
      throttleReason = reason;
      throttledUntil = max(throttledUntil, now.plus(wait));
    } else if (code == -1015) {
      wait = retryAfter != null ? retryAfter : untilWindowEnd(serverNow, 10_000);
      reason = "too many new orders (-1015)";
      blockOrders(now.plus(wait), reason);
    } else {
      wait = retryAfter != null ? retryAfter : untilWindowEnd(serverNow, 60_000);
      reason = "request limit exceeded (HTTP " + status + (code != 0 ? ", " + code : "") + ")";
      ipReason = reason;
      ipBlockedUntil = max(ipBlockedUntil, now.plus(wait));
    }
    log.warn("{}: {}; holding back for {}", what, reason, wait);
    return new RateLimitedException(what + ": " + reason + "; retry after " + wait, wait);
  }

  /** The last usage the venue reported, for monitoring; -1 where none was seen yet. */
  public synchronized Usage usage() {
    return new Usage(usedWeight1m, orderCount10s, orderCount1m);
  }

  /** Usage counters as last reported by the venue's headers. */
  public record Usage(long usedWeight1m, long orderCount10s, long orderCount1m) {}

  private void holdEntriesBack(Instant now, long serverNow) {
    if (orderCount10s >= entryLimit(orderLimit10s)) {
      blockEntries(
          now.plus(untilWindowEnd(serverNow, 10_000)),
          "order count reached "
              + orderCount10s
              + "/10s; the last "
              + (orderLimit10s - entryLimit(orderLimit10s))
              + " are kept for stops and closes");
    }
    if (orderCount1m >= entryLimit(orderLimit1m)) {
      blockEntries(
          now.plus(untilWindowEnd(serverNow, 60_000)),
          "order count reached "
              + orderCount1m
              + "/min; the last "
              + (orderLimit1m - entryLimit(orderLimit1m))
              + " are kept for stops and closes");
    }
  }

  /** How many orders of a window new entries may use: at least one is always kept back. */
  static long entryLimit(long windowLimit) {
    return Math.min(windowLimit - 1, (long) Math.floor(windowLimit * ENTRY_SHARE));
  }

  private void blockEntries(Instant until, String reason) {
    if (until.isAfter(entriesBlockedUntil)) {
      entriesBlockedUntil = until;
      entriesReason = reason;
    }
  }

  private void blockOrders(Instant until, String reason) {
    if (until.isAfter(ordersBlockedUntil)) {
      ordersBlockedUntil = until;
      ordersReason = reason;
    }
  }

  private static RateLimitedException limited(
      RequestKind kind, String reason, Instant until, Instant now) {
    Duration wait = Duration.between(now, until);
    return new RateLimitedException(
        "not sent (" + kind + "): " + reason + "; retry after " + wait, wait);
  }

  private static Duration untilWindowEnd(long serverMillis, long windowMillis) {
    long end = (serverMillis / windowMillis + 1) * windowMillis;
    return Duration.ofMillis(end - serverMillis);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static long header(HttpHeaders headers, String name, long fallback) {
    return headers
        .firstValue(name)
        .map(
            v -> {
              try {
                return Long.parseLong(v.trim());
              } catch (NumberFormatException e) {
                log.warn("ignoring unreadable {} header '{}'", name, v);
                return fallback;
              }
            })
        .orElse(fallback);
  }
}
