package io.positionkeeper.bybit.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private final List<Rule> rules = new ArrayList<>();
  private final Map<String, Duration> topicDelays = new HashMap<>();
  private long generation;

  /**
   * What a path-scoped rule does to a matching request. Faults name their path (and, for reads, a
   * part of the query): a background request (a periodic position read) must not take a fault meant
   * for the request under test.
   */
  enum Kind {
    /** The request waits {@code hold} before its answer (writes take effect first). */
    HOLD,
    /** Refused with {@code retCode} before any effect; {@code status} 200 carries the envelope. */
    FAIL,
    /** Takes effect, then answered with {@code status}/{@code retCode} instead of its result. */
    FAIL_AFTER_EFFECT,
    /** Answered with {@code status}/{@code retCode} now, takes effect {@code hold} later. */
    APPLY_LATE,
    /** Refused as a rate limit ({@code retCode} 10006 or 10018) with a reset {@code hold} ahead. */
    RATE_LIMIT,
    /** Answered with {@code status} and the body {@code message} as it is, with no effect. */
    ANSWER
  }

  /** One path-scoped fault; {@code times} left, negative for every request. */
  static final class Rule {
    final Kind kind;
    final String method;
    final String path;
    final String queryPart;
    final int status;
    final int retCode;
    final String message;
    final Duration hold;
    int times;

    Rule(
        Kind kind,
        String method,
        String path,
        String queryPart,
        int times,
        int status,
        int retCode,
        String message,
        Duration hold) {
      this.kind = kind;
      this.method = method;
      this.path = path;
      this.queryPart = queryPart;
      this.times = times;
      this.status = status;
      this.retCode = retCode;
      this.message = message;
      this.hold = hold;
    }
  }

  /** The rule the request {@code method path?query} meets, used up by it; a hold is not used up. */
  synchronized Rule take(String method, String path, String query) {
    for (Rule r : rules) {
      if (r.method.equals(method) && r.path.equals(path) && query.contains(r.queryPart)) {
        if (r.times > 0) {
          r.times--;
          if (r.times == 0) {
            rules.remove(r);
          }
        }
        return r;
      }
    }
    return null;
  }

  /**
   * Waits out a hold: until {@code hold} has passed or {@link #clear} releases every held answer
   * (so a handler thread of a killed client does not stay blocked).
   */
  void hold(Duration hold) throws InterruptedException {
    long until = System.nanoTime() + hold.toNanos();
    synchronized (this) {
      long started = generation;
      long left;
      while (generation == started && (left = until - System.nanoTime()) > 0) {
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  synchronized Duration topicDelay(String topic) {
    return topicDelays.getOrDefault(topic, Duration.ZERO);
  }

  private synchronized Faults add(Rule rule) {
    rules.add(rule);
    return this;
  }

  /**
   * Every request to {@code method path} whose query contains {@code queryPart} waits {@code hold}
   * before its answer; a write takes effect first. The campaign's kill points: the test sees the
   * request arrive and kills the client while it waits.
   */
  public Faults hold(String method, String path, String queryPart, Duration hold) {
    return add(new Rule(Kind.HOLD, method, path, queryPart, -1, 200, 0, "", hold));
  }

  /** {@link #hold(String, String, String, Duration)} for every request to the path. */
  public Faults hold(String method, String path, Duration hold) {
    return hold(method, path, "", hold);
  }

  /**
   * The next {@code times} requests to {@code method path} are refused with {@code retCode} (HTTP
   * 200, B3) before any effect.
   */
  public Faults failNext(String method, String path, int times, int retCode, String retMsg) {
    return add(new Rule(Kind.FAIL, method, path, "", times, 200, retCode, retMsg, Duration.ZERO));
  }

  /**
   * The next request to {@code method path} takes effect, and its answer is lost: {@code status}
   * 200 with {@code retCode} (10016, B3 "server error / restarting"), or a 5xx with a non-JSON
   * body.
   */
  public Faults failNextAfterEffect(String method, String path, int status, int retCode) {
    return add(
        new Rule(
            Kind.FAIL_AFTER_EFFECT,
            method,
            path,
            "",
            1,
            status,
            retCode,
            "Internal System Error.",
            Duration.ZERO));
  }

  /**
   * The next request to {@code method path} is answered with {@code retCode} 10016 at once and
   * takes effect {@code lateBy} later; until then the venue does not know it (B4: order create is
   * asynchronous, its status is confirmed by a query).
   */
  public Faults serverErrorAndApplyLate(String method, String path, Duration lateBy) {
    return add(
        new Rule(
            Kind.APPLY_LATE, method, path, "", 1, 200, 10016, "Internal System Error.", lateBy));
  }

  /**
   * The next {@code times} requests to {@code method path} are refused as rate-limited: {@code
   * retCode} 10006 (B3, the UID limit, "Too many visits!") or 10018 (the IP limit: inferred from
   * Bybit's error-code list, which B3 does not copy), each with the {@code X-Bapi-Limit*} headers
   * and a reset {@code reset} ahead (B3: the headers come on every response).
   */
  public Faults rateLimitNext(String method, String path, int times, int retCode, Duration reset) {
    String msg = retCode == 10018 ? "Exceeded the IP Rate Limit." : "Too many visits!";
    return add(new Rule(Kind.RATE_LIMIT, method, path, "", times, 200, retCode, msg, reset));
  }

  /**
   * The next request to {@code method path} gets {@code body} as it is with {@code status}, and the
   * venue does nothing: a test's replaced answer (a mutated payload), not a venue rule.
   */
  public Faults answerNext(String method, String path, int status, String body) {
    return add(new Rule(Kind.ANSWER, method, path, "", 1, status, 0, body, Duration.ZERO));
  }

  /**
   * Private stream messages of {@code topic} (order, execution, position) reach the clients this
   * much later than the others; within one topic the order is kept (inferred: B5 gives no order
   * across topics).
   */
  public synchronized Faults delayTopic(String topic, Duration by) {
    topicDelays.put(topic, by);
    return this;
  }

  /** Every path-scoped rule and topic delay gone, every held answer released. */
  public synchronized Faults clear() {
    rules.clear();
    topicDelays.clear();
    generation++;
    notifyAll();
    return this;
  }

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
