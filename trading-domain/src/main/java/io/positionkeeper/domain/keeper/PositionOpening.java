package io.positionkeeper.domain.keeper;

import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;

/** Opens positions: what a bot calls for each signal. */
@FunctionalInterface
public interface PositionOpening {

  /** Opens, protects and starts trailing a position; never throws for a venue or store failure. */
  OpenResult open(OpenIntent intent);
}
