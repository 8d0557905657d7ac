package io.positionkeeper.runner.paper;

import io.positionkeeper.domain.open.OpenIntent;
import java.time.Instant;
import java.util.Objects;

/** An open request of a paper session and the replay time at which it arrives. */
public record TimedIntent(Instant at, OpenIntent intent) {
  public TimedIntent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(intent, "intent");
  }
}
