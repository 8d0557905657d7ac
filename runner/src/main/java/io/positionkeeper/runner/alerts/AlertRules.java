package io.positionkeeper.runner.alerts;

import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.runner.observe.KeeperObserver;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns what the keeper stored into alerts: an emergency close, a stop that could not be placed (no
 * retry left), a change made by reconciliation (an adoption, a position found without a row, a
 * pending registration expired, a phantom or external close, a stop placed for a position its
 * opener had not protected), a trailing move or exit that keeps failing, and the database going
 * down and coming back.
 */
public final class AlertRules implements KeeperObserver {
  private static final Set<String> OPENERS_STOPS = Set.of("opening", "kept after rollback");

  private final Consumer<Alert> sink;
  private final Supplier<Instant> now;
  private final AtomicBoolean databaseDown = new AtomicBoolean();

  public AlertRules(Consumer<Alert> sink, Supplier<Instant> now) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.now = Objects.requireNonNull(now, "now");
  }

  @Override
  public void onRecord(AuditRecord r) {
    Map<String, String> p = r.payload();
    switch (r.type()) {
      case "EMERGENCY_CLOSE" ->
          alert(
              Alert.Kind.EMERGENCY_CLOSE,
              r,
              "true".equals(p.get("succeeded"))
                  ? "emergency close done"
                  : "emergency close FAILED: the position may be open without a stop");
      case "STOP_PLACEMENT_FAILED" -> {
        if ("false".equals(p.get("willRetry"))) {
          alert(Alert.Kind.STOP_NOT_PLACED, r, "stop-loss could not be placed");
        }
      }
      case "OPERATION_FAILED" -> {
        // The keeper marks the failure that keeps repeating (a stop move the venue refuses, an
        // exit at a crossed level that fails) once per run of failures; the single ones are noise.
        if (p.getOrDefault("operation", "").endsWith(".repeated")) {
          alert(Alert.Kind.REPEATED_FAILURE, r, p.get("operation") + " keeps failing");
        }
      }
      case "POSITION_ADOPTED" -> alert(Alert.Kind.RECONCILIATION_CHANGE, r, "position adopted");
      case "MISSING_POSITION_FOUND" ->
          alert(Alert.Kind.RECONCILIATION_CHANGE, r, "position on the venue without a row");
      case "PENDING_EXPIRED" ->
          alert(Alert.Kind.RECONCILIATION_CHANGE, r, "pending registration expired");
      case "POSITION_CLOSED" -> {
        String reason = p.getOrDefault("reason", "");
        if (reason.equals("PHANTOM") || reason.equals("EXTERNAL")) {
          alert(Alert.Kind.RECONCILIATION_CHANGE, r, "closed by reconciliation (" + reason + ")");
        }
      }
      case "STOP_PLACED" -> {
        if (!OPENERS_STOPS.contains(p.getOrDefault("context", ""))) {
          alert(Alert.Kind.RECONCILIATION_CHANGE, r, "stop-loss re-placed by reconciliation");
        }
      }
      default -> {}
    }
  }

  private void alert(Alert.Kind kind, AuditRecord r, String title) {
    Map<String, String> details = new LinkedHashMap<>(r.payload());
    details.put("exchange", r.exchange().name());
    r.symbol().ifPresent(s -> details.put("symbol", s.value()));
    if (r.positionId().isPresent()) {
      details.put("position", "#" + r.positionId().getAsLong());
    }
    details.put("event", r.type() + " " + r.eventId());
    String subject = r.symbol().map(s -> s.value() + " ").orElse("");
    sink.accept(new Alert(kind, r.time(), subject + title, details));
  }

  @Override
  public void onStreamEvent(Exchange exchange, StreamEvent event) {}

  @Override
  public void onDatabaseFailure(String operation, RuntimeException failure) {
    if (databaseDown.compareAndSet(false, true)) {
      sink.accept(
          new Alert(
              Alert.Kind.DATABASE_DOWN,
              now.get(),
              "database unreachable; audit records go to the spool file",
              Map.of(
                  "operation",
                  operation,
                  "error",
                  failure.getClass().getSimpleName()
                      + Optional.ofNullable(failure.getMessage()).map(m -> ": " + m).orElse(""))));
    }
  }

  @Override
  public void onDatabaseAnswered(String operation) {
    if (databaseDown.compareAndSet(true, false)) {
      sink.accept(
          new Alert(
              Alert.Kind.DATABASE_BACK,
              now.get(),
              "database answers again",
              Map.of("operation", operation)));
    }
  }
}
