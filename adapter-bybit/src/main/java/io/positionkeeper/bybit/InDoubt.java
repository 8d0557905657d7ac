package io.positionkeeper.bybit;

import io.positionkeeper.ports.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys (an order's link id, a symbol's stop) whose last write got an ambiguous answer. Bybit
 * creates orders asynchronously, so a write can show up late: "not there" counts as absence only
 * once {@code queries} such answers came over at least {@code window}. This memory is the gateway
 * instance's own; it does not outlive the process.
 */
final class InDoubt {
  private record Doubt(Instant since, int absentAnswers) {}

  private final Map<String, Doubt> doubts = new ConcurrentHashMap<>();
  private final Clock clock;
  private final int queries;
  private final Duration window;

  InDoubt(Clock clock, int queries, Duration window) {
    this.clock = clock;
    this.queries = queries;
    this.window = window;
  }

  void mark(String key) {
    doubts.put(key, new Doubt(clock.now(), 0));
  }

  boolean contains(String key) {
    return doubts.containsKey(key);
  }

  void settle(String key) {
    doubts.remove(key);
  }

  /**
   * Counts one "not there" answer; true when it settles the doubt as absence (the key is then
   * forgotten), false while it stays unknown.
   */
  boolean absentNow(String key) {
    Doubt d = doubts.computeIfPresent(key, (k, v) -> new Doubt(v.since(), v.absentAnswers() + 1));
    if (d == null) {
      return true;
    }
    boolean settled = d.absentAnswers() >= queries && !clock.now().isBefore(d.since().plus(window));
    if (settled) {
      doubts.remove(key);
    }
    return settled;
  }
}
