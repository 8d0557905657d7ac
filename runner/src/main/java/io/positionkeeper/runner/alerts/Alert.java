package io.positionkeeper.runner.alerts;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** Something a person should know now. The text carries no secret: it is built from audit data. */
public record Alert(Kind kind, Instant at, String title, Map<String, String> details) {
  public Alert {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(title, "title");
    details = Map.copyOf(details);
  }

  /** What happened. */
  public enum Kind {
    EMERGENCY_CLOSE,
    STOP_NOT_PLACED,
    POSITION_UNPROTECTED,
    RECONCILIATION_CHANGE,
    DATABASE_DOWN,
    DATABASE_BACK,
    LEASE_LOST,
    DEAD_LETTERS,
    /** A trailing stop move or a crossed-level exit keeps failing (the old stop still guards). */
    REPEATED_FAILURE
  }

  /** One line for a chat: kind, title and details. */
  public String text() {
    StringBuilder b =
        new StringBuilder("[position-keeper] ").append(kind).append(": ").append(title);
    details.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> b.append("\n").append(e.getKey()).append(": ").append(e.getValue()));
    return b.toString();
  }
}
