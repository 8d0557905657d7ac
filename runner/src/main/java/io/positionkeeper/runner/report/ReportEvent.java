package io.positionkeeper.runner.report;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** One audit event as the report shows it. */
public record ReportEvent(
    long id, Instant at, String type, String severity, Map<String, String> payload) {
  public ReportEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(severity, "severity");
    payload = Map.copyOf(payload);
  }
}
