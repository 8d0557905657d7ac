package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.stream.ConnectionMonitor;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.TrailingStopState;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * After the streams are up, compares the trailing stops with the exchange. Only a complete
 * snapshot, read while the connection stayed in one ready generation, that lacks a position counts
 * against it, and only when a second such snapshot lacks it too is its trailing state removed. An
 * error, a timeout, an incomplete answer, or any answer while the connection is not ready removes
 * nothing.
 */
public final class TrailingHealthCheck {
  private final ExchangeGateway gateway;
  private final ConnectionMonitor monitor;
  private final TrailingStopManager manager;
  private final AuditTrail audit;
  private final Set<Long> suspects = new HashSet<>();

  public TrailingHealthCheck(
      ExchangeGateway gateway,
      ConnectionMonitor monitor,
      TrailingStopManager manager,
      AuditTrail audit) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.monitor = Objects.requireNonNull(monitor, "monitor");
    this.manager = Objects.requireNonNull(manager, "manager");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /** What one check concluded. */
  public sealed interface Outcome {
    /** Not trusted: nothing was concluded and nothing removed. */
    record Untrusted(String why) implements Outcome {}

    /** Compared: {@code suspected} lacked a position once, {@code removed} twice in a row. */
    record Compared(List<Long> suspected, List<Long> removed) implements Outcome {}
  }

  public synchronized Outcome check() {
    OptionalLong before = monitor.readyGeneration();
    if (before.isEmpty()) {
      return new Outcome.Untrusted("streams are " + monitor.state() + ", not resynced");
    }
    PositionSnapshot snapshot;
    try {
      snapshot = gateway.positions();
    } catch (PortException e) {
      return new Outcome.Untrusted("position list failed: " + e.getMessage());
    }
    if (!monitor.readyGeneration().equals(before)) {
      return new Outcome.Untrusted("the connection changed while the position list was read");
    }
    return switch (snapshot) {
      case PositionSnapshot.Incomplete inc ->
          new Outcome.Untrusted("incomplete position list: " + inc.reason());
      case PositionSnapshot.Complete complete -> compare(complete);
    };
  }

  private Outcome compare(PositionSnapshot.Complete snapshot) {
    Set<Long> lacking = new HashSet<>();
    for (long id : manager.trackedIds()) {
      TrailingStopState s = manager.stateOf(id).orElse(null);
      if (s == null) {
        continue;
      }
      boolean present =
          snapshot
              .find(s.symbol())
              .filter(p -> !p.isFlat() && p.side().orElseThrow() == s.side())
              .isPresent();
      if (!present) {
        lacking.add(id);
      }
    }
    List<Long> removed = lacking.stream().filter(suspects::contains).sorted().toList();
    for (long id : removed) {
      Subject subject = manager.subjectOf(id).orElseThrow();
      manager.stop(id);
      audit.record(
          new AuditEvent.TrailingReset(
              subject, "position absent from two complete snapshots: trailing state removed"));
    }
    suspects.clear();
    lacking.stream().filter(id -> !removed.contains(id)).forEach(suspects::add);
    return new Outcome.Compared(List.copyOf(suspects.stream().sorted().toList()), removed);
  }
}
