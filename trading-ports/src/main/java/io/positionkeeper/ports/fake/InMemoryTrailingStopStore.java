package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.TrailingStopState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Trailing-stop states in memory, keyed by position id. */
public final class InMemoryTrailingStopStore implements TrailingStopStore {

  /** The operations the fault knobs address. */
  public enum Op {
    SAVE,
    LOAD_ALL,
    DELETE
  }

  private final FaultKnobs<Op> faults = new FaultKnobs<>(Op.class);
  private final Map<Long, TrailingStopState> states = new TreeMap<>();
  private int saves;
  private int deletes;

  public FaultKnobs<Op> faults() {
    return faults;
  }

  @Override
  public void save(TrailingStopState state) {
    PortExceptionHolder.run(
        faults,
        Op.SAVE,
        () -> {
          synchronized (this) {
            states.put(state.positionId(), state);
            saves++;
          }
        });
  }

  @Override
  public List<TrailingStopState> loadAll() {
    return PortExceptionHolder.call(
        faults,
        Op.LOAD_ALL,
        () -> {
          synchronized (this) {
            return List.copyOf(states.values());
          }
        });
  }

  @Override
  public void delete(long positionId) {
    PortExceptionHolder.run(
        faults,
        Op.DELETE,
        () -> {
          synchronized (this) {
            if (states.remove(positionId) != null) {
              deletes++;
            }
          }
        });
  }

  /** The stored state of a position. */
  public synchronized Optional<TrailingStopState> find(long positionId) {
    return Optional.ofNullable(states.get(positionId));
  }

  /** How many saves succeeded. */
  public synchronized int saveCount() {
    return saves;
  }

  /** How many states were actually removed. */
  public synchronized int deleteCount() {
    return deletes;
  }
}
