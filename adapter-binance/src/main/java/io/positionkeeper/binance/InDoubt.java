package io.positionkeeper.binance;

import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.OutcomeUnknownException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client ids whose last request got an ambiguous answer (-1007, 5xx, a timeout). After such an
 * answer the order can still land, minutes later on a lagging venue, so a "no such order" counts as
 * absence only once {@code queries} of them came over at least {@code window}; before that the
 * answer is "unknown". This memory is the gateway's own: it does not outlive the process.
 */
final class InDoubt {

  /** Regular orders and algo orders have separate id spaces. */
  enum Space {
    ORDER,
    ALGO
  }

  private record Key(Space space, String clientId) {}

  private record Doubt(String symbol, Instant since, int absentAnswers) {}

  private final Map<Key, Doubt> doubts = new ConcurrentHashMap<>();
  private final Clock clock;
  private final int queries;
  private final Duration window;

  InDoubt(Clock clock, int queries, Duration window) {
    this.clock = clock;
    this.queries = queries;
    this.window = window;
  }

  /** A request with this id got an ambiguous answer just now. */
  void ambiguous(Space space, String symbol, String clientId) {
    doubts.put(new Key(space, clientId), new Doubt(symbol, clock.now(), 0));
  }

  /** The ids in doubt on a symbol. */
  List<String> inDoubt(Space space, String symbol) {
    return doubts.entrySet().stream()
        .filter(e -> e.getKey().space() == space && e.getValue().symbol().equals(symbol))
        .map(e -> e.getKey().clientId())
        .toList();
  }

  /** The ids in doubt on every symbol. */
  List<String> inDoubt(Space space) {
    return doubts.keySet().stream().filter(k -> k.space() == space).map(Key::clientId).toList();
  }

  /** The venue showed the order: no doubt left. */
  void seen(Space space, String clientId) {
    doubts.remove(new Key(space, clientId));
  }

  boolean isInDoubt(Space space, String clientId) {
    return doubts.containsKey(new Key(space, clientId));
  }

  /**
   * The venue answered "no such order" for this id. Returns normally when that settles it (the id
   * was never in doubt, or the proof is complete); throws {@link OutcomeUnknownException} while the
   * order may still land.
   */
  void absent(Space space, String clientId) {
    Key key = new Key(space, clientId);
    Doubt now =
        doubts.computeIfPresent(
            key, (k, d) -> new Doubt(d.symbol(), d.since(), d.absentAnswers() + 1));
    if (now == null) {
      return;
    }
    Duration waited = Duration.between(now.since(), clock.now());
    if (now.absentAnswers() >= queries && waited.compareTo(window) >= 0) {
      doubts.remove(key);
      return;
    }
    throw new OutcomeUnknownException(
        clientId
            + " not found "
            + now.absentAnswers()
            + " time(s) in "
            + waited.toMillis()
            + " ms after an ambiguous answer; the venue can show it later, so it counts as absent"
            + " only after "
            + queries
            + " such answers over at least "
            + window.toMillis()
            + " ms: query again");
  }
}
