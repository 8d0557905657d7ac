package io.positionkeeper.runner.metrics;

import io.positionkeeper.domain.audit.AuditWriterStats;
import io.positionkeeper.ports.model.AuditRecord;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.runner.observe.KeeperObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The keeper's metrics in a Prometheus registry of their own: gauges read the book, the audit
 * writer, the streams and the lease at each scrape; counters and histograms follow the audit
 * records as they are stored. Latency histograms take the records' own times (the keeper's clock):
 * fill verification from the {@code FILL_VERIFIED} event's elapsed time, the open flow from
 * pre-registration to the opener's stop being placed.
 */
public final class KeeperMetrics implements KeeperObserver {
  private static final double[] LATENCY_BOUNDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };
  private static final int REMEMBERED_OPENS = 1_000;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter stopMoves;
  private final Counter events;
  private final Counter databaseFailures;
  private final Histogram fillVerification;
  private final Histogram openFlow;
  private final Map<String, Instant> opening =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
          return size() > REMEMBERED_OPENS;
        }
      };

  public KeeperMetrics(MetricSources sources) {
    Objects.requireNonNull(sources, "sources");
    stopMoves =
        Counter.builder()
            .name("keeper_stop_moves")
            .help("Stop-loss orders moved on the venue (trailing)")
            .register(registry);
    events =
        Counter.builder()
            .name("keeper_audit_events")
            .help("Audit events stored, by type and severity")
            .labelNames("type", "severity")
            .register(registry);
    databaseFailures =
        Counter.builder()
            .name("keeper_database_failures")
            .help("Database operations that failed (the audit writer then spools)")
            .labelNames("operation")
            .register(registry);
    fillVerification =
        Histogram.builder()
            .name("keeper_fill_verification_seconds")
            .help("Time from the entry order to a confirmed fill")
            .classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS)
            .register(registry);
    openFlow =
        Histogram.builder()
            .name("keeper_open_flow_seconds")
            .help("Time from an intent's pre-registration to its stop-loss placed")
            .classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS)
            .register(registry);
    registerGauges(sources);
  }

  private void registerGauges(MetricSources s) {
    gauge(
        "keeper_open_positions",
        "Positions open on the venue (being protected, protected or closing)",
        () -> s.positions().get().stream().filter(Protection::isOpen).count());
    gauge(
        "keeper_unprotected_positions",
        "Open positions without a working stop-loss; must stay 0",
        () -> s.positions().get().stream().filter(Protection::isUnprotected).count());
    gauge(
        "keeper_audit_queue_depth",
        "Audit records waiting in memory",
        () -> {
          AuditWriterStats a = s.audit().get();
          return a.inMemory() + a.inOverflow();
        });
    gauge(
        "keeper_audit_spool_records",
        "Audit records waiting in the spool file (the database was unreachable)",
        () -> s.audit().get().inSpool());
    CounterWithCallback.builder()
        .name("keeper_audit_dead_letters")
        .help("Audit records the journal refused, kept in the dead-letter table")
        .callback(cb -> cb.call(s.audit().get().deadLettered()))
        .register(registry);
    gauge("keeper_lease_held", "1 while this runner holds its account's lease", () -> held(s));
    streamGauges(s.streams());
  }

  private static double held(MetricSources s) {
    return s.leaseHeld().getAsBoolean() ? 1 : 0;
  }

  private void streamGauges(StreamWatch streams) {
    CounterWithCallback.builder()
        .name("keeper_stream_reconnects")
        .help("Stream connections lost after they had resynced, per venue")
        .labelNames("exchange")
        .callback(cb -> streams.venues().forEach((ex, v) -> cb.call(v.reconnects(), ex.name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("keeper_streams_resynced")
        .help("1 while the venue's streams are connected and resynced")
        .labelNames("exchange")
        .callback(
            cb ->
                streams
                    .venues()
                    .forEach(
                        (ex, v) ->
                            cb.call(
                                v.state() == io.positionkeeper.ports.model.ConnectionState.RESYNCED
                                    ? 1
                                    : 0,
                                ex.name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("keeper_seconds_since_resync")
        .help("Seconds since the venue's streams last resynced")
        .labelNames("exchange")
        .callback(
            cb ->
                streams
                    .venues()
                    .keySet()
                    .forEach(
                        ex ->
                            streams
                                .sinceResync(ex)
                                .ifPresent(d -> cb.call(d.toMillis() / 1000.0, ex.name()))))
        .register(registry);
  }

  private void gauge(String name, String help, java.util.function.DoubleSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(value.getAsDouble()))
        .register(registry);
  }

  /** The registry, for other parts of the runner that count (alerts). */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Writes the Prometheus text format of every metric. */
  public void write(OutputStream out) throws IOException {
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
  }

  @Override
  public void onRecord(AuditRecord r) {
    events.labelValues(r.type(), r.severity().name()).inc();
    switch (r.type()) {
      case "STOP_MOVED" -> stopMoves.inc();
      case "FILL_VERIFIED" -> millis(r, "elapsedMs").ifPresent(fillVerification::observe);
      case "POSITION_PRE_REGISTERED" -> halfOfOpen(r.correlationKey(), r.time(), true);
      case "STOP_PLACED" -> {
        if ("opening".equals(r.payload().get("context"))) {
          halfOfOpen(r.correlationKey(), r.time(), false);
        }
      }
      default -> {}
    }
  }

  /**
   * One end of an open flow. The two ends reach the observer in either order (the stop's record is
   * stored with the row at once, the pre-registration's when the journal writes its batch).
   */
  private void halfOfOpen(String key, Instant at, boolean isStart) {
    Instant other;
    synchronized (opening) {
      other = opening.remove(key);
      if (other == null) {
        opening.put(key, at);
        return;
      }
    }
    Duration flow = isStart ? Duration.between(at, other) : Duration.between(other, at);
    openFlow.observe(Math.max(0, flow.toNanos() / 1e9));
  }

  private static java.util.Optional<Double> millis(AuditRecord r, String field) {
    String v = r.payload().get(field);
    try {
      return v == null
          ? java.util.Optional.empty()
          : java.util.Optional.of(Long.parseLong(v) / 1000.0);
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public void onStreamEvent(Exchange exchange, StreamEvent event) {}

  @Override
  public void onDatabaseFailure(String operation, RuntimeException failure) {
    databaseFailures.labelValues(operation).inc();
  }

  @Override
  public void onDatabaseAnswered(String operation) {}
}
