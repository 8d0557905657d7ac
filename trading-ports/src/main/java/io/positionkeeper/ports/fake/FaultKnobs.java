package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.PortException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The fault plan of one fake, per operation: fail the next calls with given exceptions (before or
 * after the call takes effect), fail every call after N successful ones, and delay calls. Every
 * fake of this package uses it, so knobs mean the same thing everywhere.
 *
 * @param <O> the fake's enum of operations
 */
public final class FaultKnobs<O extends Enum<O>> {

  /** When an injected failure strikes relative to the operation's effect. */
  public enum When {
    /** Nothing happened; the caller gets the exception. */
    BEFORE_EFFECT,
    /** The operation took effect, but the caller gets the exception (a lost response). */
    AFTER_EFFECT
  }

  private record Fault(PortException exception, When when) {}

  private record FailAfter(int remainingSuccesses, PortException exception) {}

  private final Map<O, Deque<Fault>> next;
  private final Map<O, FailAfter> failAfter;
  private final Map<O, Duration> delays;
  private final Map<O, Integer> calls;
  private final Map<O, Long> struckOf;
  private long struck;
  private long plannedStruck;

  public FaultKnobs(Class<O> operations) {
    next = new EnumMap<>(operations);
    failAfter = new EnumMap<>(operations);
    delays = new EnumMap<>(operations);
    calls = new EnumMap<>(operations);
    struckOf = new EnumMap<>(operations);
  }

  /** The next call of {@code op} fails with {@code exception} and has no effect. */
  public synchronized FaultKnobs<O> failNext(O op, PortException exception) {
    return failNext(op, exception, When.BEFORE_EFFECT);
  }

  /** The next call of {@code op} fails with {@code exception}, before or after taking effect. */
  public synchronized FaultKnobs<O> failNext(O op, PortException exception, When when) {
    next.computeIfAbsent(op, k -> new ArrayDeque<>())
        .addLast(new Fault(Objects.requireNonNull(exception, "exception"), when));
    return this;
  }

  /** The next {@code times} calls of {@code op} fail with {@code exception}, without effect. */
  public synchronized FaultKnobs<O> failTimes(O op, int times, PortException exception) {
    for (int i = 0; i < times; i++) {
      failNext(op, exception);
    }
    return this;
  }

  /** After {@code successes} more successful calls, every call of {@code op} fails. */
  public synchronized FaultKnobs<O> failAfter(O op, int successes, PortException exception) {
    if (successes < 0) {
      throw new IllegalArgumentException("successes must be >= 0, was " + successes);
    }
    failAfter.put(op, new FailAfter(successes, Objects.requireNonNull(exception, "exception")));
    return this;
  }

  /** Every call of {@code op} fails from now on, until {@link #clear(Enum)}. */
  public synchronized FaultKnobs<O> failAlways(O op, PortException exception) {
    return failAfter(op, 0, exception);
  }

  /**
   * Ends what {@link #failAfter} or {@link #failAlways} began for {@code op} (an outage is over);
   * the single faults planned with {@link #failNext} stay planned.
   */
  public synchronized FaultKnobs<O> endFailAfter(O op) {
    failAfter.remove(op);
    return this;
  }

  /** Every call of {@code op} takes {@code delay} (on the fake's clock) before it acts. */
  public synchronized FaultKnobs<O> delay(O op, Duration delay) {
    delays.put(op, delay);
    return this;
  }

  /** Removes every fault and delay of {@code op}. */
  public synchronized FaultKnobs<O> clear(O op) {
    next.remove(op);
    failAfter.remove(op);
    delays.remove(op);
    return this;
  }

  /** How many times {@code op} was called (failed calls included). */
  public synchronized int calls(O op) {
    return calls.getOrDefault(op, 0);
  }

  /** The total number of calls of every operation. */
  public synchronized int totalCalls() {
    return calls.values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * Called by a fake at the start of {@code op}: counts the call, throws a before-effect fault, and
   * returns the after-effect fault (or null) for {@link #afterEffect}.
   */
  public synchronized PortException beforeEffect(O op) {
    calls.merge(op, 1, Integer::sum);
    FailAfter fa = failAfter.get(op);
    if (fa != null) {
      if (fa.remainingSuccesses() == 0) {
        struck++;
        struckOf.merge(op, 1L, Long::sum);
        throw fa.exception();
      }
      failAfter.put(op, new FailAfter(fa.remainingSuccesses() - 1, fa.exception()));
    }
    Deque<Fault> queue = next.get(op);
    Fault fault = queue == null ? null : queue.pollFirst();
    if (fault == null) {
      return null;
    }
    struck++;
    struckOf.merge(op, 1L, Long::sum);
    plannedStruck++;
    return switch (fault.when()) {
      case BEFORE_EFFECT -> throw fault.exception();
      case AFTER_EFFECT -> fault.exception();
    };
  }

  /**
   * Takes the next planned fault of {@code op} without counting a call, for a fake whose operation
   * makes a second venue call inside it (a move's cancel half); null when none is planned.
   */
  public synchronized PortException takeNext(O op) {
    Deque<Fault> queue = next.get(op);
    Fault fault = queue == null ? null : queue.pollFirst();
    if (fault == null) {
      return null;
    }
    struck++;
    struckOf.merge(op, 1L, Long::sum);
    plannedStruck++;
    return fault.exception();
  }

  /**
   * How many planned faults have struck so far, of every operation (a fault planned and not yet met
   * by a call does not count): lets an observer tell when the caller last had to recover.
   */
  public synchronized long struck() {
    return struck;
  }

  /**
   * How many faults have struck calls of {@code op} so far, planned ones and those of an outage
   * alike: lets an observer tell how many calls of one operation failed in a row.
   */
  public synchronized long struck(O op) {
    return struckOf.getOrDefault(op, 0L);
  }

  /**
   * How many of the single faults planned with {@link #failNext} have struck so far (the calls an
   * outage of {@link #failAfter} or {@link #failAlways} failed do not count): lets an observer tell
   * a fault that a history planned and that met a call only now from a standing outage.
   */
  public synchronized long plannedStruck() {
    return plannedStruck;
  }

  /** Throws the fault returned by {@link #beforeEffect}, if any. */
  public static void afterEffect(PortException pending) {
    if (pending != null) {
      throw pending;
    }
  }

  /** The configured delay of {@code op}, zero when none. */
  public synchronized Duration delayOf(O op) {
    return delays.getOrDefault(op, Duration.ZERO);
  }
}
