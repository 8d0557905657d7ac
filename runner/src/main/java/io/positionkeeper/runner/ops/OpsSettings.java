package io.positionkeeper.runner.ops;

import io.positionkeeper.runner.alerts.AlertSender;
import io.positionkeeper.runner.alerts.AlertTarget;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a session serves and whom it tells: the {@code /metrics} and {@code /health} endpoint (if
 * any), the alert targets (none: no alerts), how alerts are sent, how long a position may stay
 * without a stop before a person is told, and how often that is checked.
 */
public record OpsSettings(
    Optional<Observability.Endpoint> endpoint,
    List<AlertTarget> alertTargets,
    AlertSender.Policy alertPolicy,
    Duration unprotectedBound,
    Duration watchEvery) {
  public OpsSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    alertTargets = List.copyOf(alertTargets);
    Objects.requireNonNull(alertPolicy, "alertPolicy");
    Objects.requireNonNull(unprotectedBound, "unprotectedBound");
    Objects.requireNonNull(watchEvery, "watchEvery");
  }

  public static OpsSettings none() {
    return new OpsSettings(
        Optional.empty(),
        List.of(),
        AlertSender.Policy.standard(),
        Duration.ofSeconds(30),
        Duration.ofSeconds(5));
  }

  public OpsSettings withEndpoint(Observability.Endpoint e) {
    return new OpsSettings(Optional.of(e), alertTargets, alertPolicy, unprotectedBound, watchEvery);
  }

  public OpsSettings withAlerts(List<AlertTarget> targets) {
    return new OpsSettings(endpoint, targets, alertPolicy, unprotectedBound, watchEvery);
  }
}
