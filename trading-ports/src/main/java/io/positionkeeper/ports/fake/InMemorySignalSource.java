package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.SignalSource;
import io.positionkeeper.ports.model.Signal;
import io.positionkeeper.ports.model.SignalOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Signals in memory; a claimed signal is never handed out again. */
public final class InMemorySignalSource implements SignalSource {

  /** What became of a signal. */
  public record Completion(SignalOutcome outcome, String detail) {}

  /** The operations the fault knobs address. */
  public enum Op {
    CLAIM,
    COMPLETE
  }

  private final FaultKnobs<Op> faults = new FaultKnobs<>(Op.class);
  private final Map<Long, Signal> waiting = new LinkedHashMap<>();
  private final Map<Long, Signal> claimed = new LinkedHashMap<>();
  private final Map<Long, Completion> completed = new LinkedHashMap<>();

  public FaultKnobs<Op> faults() {
    return faults;
  }

  /** Adds a signal to the waiting list. */
  public synchronized InMemorySignalSource add(Signal signal) {
    if (waiting.containsKey(signal.id()) || claimed.containsKey(signal.id())) {
      throw new IllegalArgumentException("signal " + signal.id() + " exists already");
    }
    waiting.put(signal.id(), signal);
    return this;
  }

  @Override
  public List<Signal> claim(int max) {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be > 0, was " + max);
    }
    return PortExceptionHolder.call(
        faults,
        Op.CLAIM,
        () -> {
          synchronized (this) {
            List<Signal> out = new ArrayList<>();
            var it = waiting.values().iterator();
            while (it.hasNext() && out.size() < max) {
              Signal s = it.next();
              it.remove();
              claimed.put(s.id(), s);
              out.add(s);
            }
            return out;
          }
        });
  }

  @Override
  public void complete(long signalId, SignalOutcome outcome, String detail) {
    PortExceptionHolder.run(
        faults,
        Op.COMPLETE,
        () -> {
          synchronized (this) {
            if (!claimed.containsKey(signalId)) {
              throw new RejectedException(
                  "NOT_CLAIMED", "signal " + signalId + " was not claimed by this source");
            }
            if (completed.putIfAbsent(signalId, new Completion(outcome, detail)) != null) {
              throw new RejectedException(
                  "ALREADY_COMPLETED", "signal " + signalId + " is already completed");
            }
          }
        });
  }

  /** What became of each completed signal. */
  public synchronized Map<Long, Completion> completions() {
    return Map.copyOf(completed);
  }
}
