package io.positionkeeper.ports;

import io.positionkeeper.ports.model.TrailingStopState;
import java.util.List;

/** The persisted trailing-stop states, one per position id. */
public interface TrailingStopStore {

  /** Inserts or replaces the state of the state's position. */
  void save(TrailingStopState state);

  /** Every stored state, in one read. */
  List<TrailingStopState> loadAll();

  /** Removes the state of a position; removing an absent one is not an error. */
  void delete(long positionId);
}
