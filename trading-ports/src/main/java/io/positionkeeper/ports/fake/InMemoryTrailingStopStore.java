package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Trailing-stop states in memory, keyed by position id. Made with the {@link InMemoryPositionStore}
 * the states belong to, it refuses what the database refuses: a state of no stored position, of a
 * position no longer open, or of another symbol or side than its position's.
 */
public final class InMemoryTrailingStopStore implements TrailingStopStore {

  /** The operations the fault knobs address. */
  public enum Op {
    SAVE,
    LOAD_ALL,
    DELETE
  }

  private final FaultKnobs<Op> faults = new FaultKnobs<>(Op.class);
  private final InMemoryPositionStore positions;
  private final Map<Long, TrailingStopState> states = new TreeMap<>();
  private int saves;
  private int deletes;

  /** A store that checks nothing against positions (for tests that have none). */
  public InMemoryTrailingStopStore() {
    this.positions = null;
  }

  /**
   * A store whose states must belong to open positions of {@code positions}, as in the database.
   */
  public InMemoryTrailingStopStore(InMemoryPositionStore positions) {
    this.positions = java.util.Objects.requireNonNull(positions, "positions");
  }

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
            checkAgainstPosition(state);
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

  private void checkAgainstPosition(TrailingStopState state) {
    if (positions == null) {
      return;
    }
    PositionRecord p =
        positions
            .row(state.positionId())
            .orElseThrow(
                () ->
                    new RejectedException(
                        "trailing_stop_state_position_id_fkey",
                        "no position with id " + state.positionId()));
    if (p.status() != PositionStatus.ACTIVE && p.status() != PositionStatus.CLOSING) {
      throw new RejectedException(
          "trailing_stop_state_position_open",
          "position " + p.id() + " is " + p.status() + "; a trailing stop is kept for open ones");
    }
    if (!p.symbol().equals(state.symbol()) || p.side() != state.side()) {
      throw new RejectedException(
          "trailing_stop_state_matches_position",
          "trailing stop ("
              + state.symbol()
              + " "
              + state.side()
              + ") does not match position "
              + p.id()
              + " ("
              + p.symbol()
              + " "
              + p.side()
              + ")");
    }
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
