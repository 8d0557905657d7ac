package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.position.Position;
import java.util.List;

/** What a keeper holds right now. */
@FunctionalInterface
public interface PositionViews {

  /** Every position in the book (pending, being protected, active, closing). */
  List<Position> positions();
}
