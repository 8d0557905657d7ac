package io.positionkeeper.runner.campaign;

import io.positionkeeper.runner.campaign.RunnerRig.Received;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fault campaign's faults (scenarios 6 to 9, and 16's clock skew) in the venue's own words:
 * each venue answers ambiguously, refuses, rate-limits and drops its streams with its own codes and
 * headers, and the scenario asserts the same outcome on every venue.
 */
interface VenueFaults {
  /** The next entry order takes effect and its answer is ambiguous (a timeout, a retCode). */
  void entryAnsweredAmbiguously();

  /** The next stop placement takes effect and its answer is lost (a 5xx). */
  void stopAnsweredAmbiguously();

  /**
   * The next stop placement gets an ambiguous answer (a 5xx, Bybit's 10016) and the venue does
   * nothing with it.
   */
  void stopAnsweredAmbiguouslyWithoutEffect();

  /** The next entry order is answered ambiguously now and takes effect {@code lateBy} later. */
  void entryAppliedLate(Duration lateBy);

  /**
   * The next {@code attempts} attempts to place a stop are refused with nothing done; returns how
   * many requests the venue receives for them (an adapter may send an attempt twice).
   */
  int stopRefused(int attempts);

  /** Every stop placement from now on is refused with nothing done. */
  void stopNeverPlaced();

  /** The next stop placement is rate-limited, the limit lifting {@code reset} later. */
  void stopLimited(Duration reset);

  /**
   * The next order (a close) meets the venue's hardest limit (a ban), lifting {@code reset} later.
   */
  void closeLimited(Duration reset);

  /** The fill's private stream events reach the runner {@code by} late. */
  void holdFillEvents(Duration by);

  /** How many private stream connections the runner opened (logged in) so far. */
  int privateStreamsOpened();

  /** Cuts every stream connection, as a network failure would. */
  void dropStreams();

  /** Every request the venue received, in order. */
  List<Received> received();

  /** From now on the venue's clock runs {@code ahead} of the runner's (negative: behind it). */
  void skewClock(Duration ahead);

  /** What the runner logs when the venue refuses a signed call for its timestamp. */
  String clockRefused();

  /** The path of the venue's order requests (POST). */
  String orderPath();

  /** The path of the venue's stop placements (POST). */
  String stopPath();

  /** Whether an order request asks for reduce-only (a close). */
  boolean reduceOnly(Received order);

  /** The entry orders (not reduce-only) the venue received. */
  default List<Received> entries() {
    return posts(orderPath()).filter(r -> !reduceOnly(r)).toList();
  }

  /** The closing orders (reduce-only) the venue received. */
  default List<Received> closes() {
    return posts(orderPath()).filter(this::reduceOnly).toList();
  }

  /** The stop placements the venue received. */
  default List<Received> stopPlacements() {
    return posts(stopPath()).toList();
  }

  private Stream<Received> posts(String path) {
    return received().stream().filter(r -> r.method().equals("POST") && r.path().equals(path));
  }
}
