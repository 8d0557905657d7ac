package io.positionkeeper.runner.ops;

import com.google.inject.Module;
import com.google.inject.util.Modules;
import io.positionkeeper.domain.audit.AuditWriterStats;
import io.positionkeeper.domain.audit.BatchingAuditWriter;
import io.positionkeeper.domain.keeper.Keeper;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.runner.alerts.AlertRules;
import io.positionkeeper.runner.alerts.AlertSender;
import io.positionkeeper.runner.alerts.AlertWatch;
import io.positionkeeper.runner.metrics.Health;
import io.positionkeeper.runner.metrics.KeeperMetrics;
import io.positionkeeper.runner.metrics.MetricSources;
import io.positionkeeper.runner.metrics.ObservabilityServer;
import io.positionkeeper.runner.metrics.StreamWatch;
import io.positionkeeper.runner.observe.KeeperObserver;
import io.positionkeeper.runner.observe.ObservedJournalModule;
import io.positionkeeper.runner.observe.Observers;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * What a session adds to its keeper so a trader can see it: the observers (stream watch, metrics,
 * any others such as alerts) on the store, the streams and the journal, and the HTTP endpoint for
 * {@code /metrics} and {@code /health} once the keeper started. A session calls {@link
 * #postgres(Module)} and {@link #observer()} while wiring, {@link #keeperStarted} after the start,
 * and closes it at the end.
 */
public final class Observability implements AutoCloseable {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(Observability.class);
  private static final AuditWriterStats NO_AUDIT =
      new AuditWriterStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  private final OpsSettings settings;
  private final Optional<AlertSender> alerts;
  private ScheduledExecutorService watchThread;
  private AlertWatch watch;
  private final StreamWatch streams;
  private final KeeperMetrics metrics;
  private final Observers observers;
  private final AtomicReference<Keeper> keeper = new AtomicReference<>();
  private final AtomicReference<BatchingAuditWriter> writer = new AtomicReference<>();
  private final AtomicReference<BooleanSupplier> lease = new AtomicReference<>(() -> true);
  private ObservabilityServer server;

  /** Where {@code /metrics} and {@code /health} are served; port 0 picks a free port. */
  public record Endpoint(String host, int port) {
    public Endpoint {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
    }
  }

  /** Metrics only (no alerts), served at {@code endpoint} when present. */
  public Observability(
      Optional<Endpoint> endpoint,
      Clock clock,
      Collection<Exchange> venues,
      List<KeeperObserver> others) {
    this(
        endpoint.map(e -> OpsSettings.none().withEndpoint(e)).orElse(OpsSettings.none()),
        clock,
        venues,
        others);
  }

  public Observability(
      OpsSettings settings, Clock clock, Collection<Exchange> venues, List<KeeperObserver> others) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.alerts =
        settings.alertTargets().isEmpty()
            ? Optional.empty()
            : Optional.of(new AlertSender(settings.alertTargets(), settings.alertPolicy()));
    this.streams = new StreamWatch(clock, venues);
    this.metrics =
        new KeeperMetrics(
            new MetricSources(
                () -> Optional.ofNullable(keeper.get()).map(Keeper::positions).orElse(List.of()),
                () ->
                    Optional.ofNullable(writer.get())
                        .map(BatchingAuditWriter::stats)
                        .orElse(NO_AUDIT),
                streams,
                () -> lease.get().getAsBoolean()));
    List<KeeperObserver> all = new ArrayList<>(List.of(streams, metrics));
    alerts.ifPresent(
        sender -> {
          all.add(new AlertRules(sender::offer, Instant::now));
          alertCounters(sender);
        });
    all.addAll(others);
    this.observers = new Observers(all);
  }

  /** What the keeper's store, streams and journal report to. */
  public KeeperObserver observer() {
    return observers;
  }

  /** The PostgreSQL module with its journal observed. */
  public Module postgres(Module postgresModule) {
    return Modules.override(postgresModule).with(new ObservedJournalModule(observers));
  }

  public KeeperMetrics metrics() {
    return metrics;
  }

  /** Starts the endpoint, if configured, once the keeper runs; returns its port. */
  public Optional<Integer> keeperStarted(
      Keeper started, BatchingAuditWriter auditWriter, DataSource db, BooleanSupplier leaseHeld)
      throws IOException {
    keeper.set(Objects.requireNonNull(started, "started"));
    writer.set(Objects.requireNonNull(auditWriter, "auditWriter"));
    lease.set(Objects.requireNonNull(leaseHeld, "leaseHeld"));
    alerts.ifPresent(this::startWatch);
    if (settings.endpoint().isEmpty()) {
      return Optional.empty();
    }
    Endpoint endpoint = settings.endpoint().get();
    Health health = new Health(streams, db, leaseHeld, Duration.ofSeconds(2));
    server = ObservabilityServer.start(endpoint.host(), endpoint.port(), metrics, health);
    return Optional.of(server.port());
  }

  /** The checks no single event answers, on a wall-clock timer of their own. */
  private void startWatch(AlertSender sender) {
    watch =
        new AlertWatch(
            () -> keeper.get().positions(),
            () -> writer.get().stats().deadLettered(),
            () -> lease.get().getAsBoolean(),
            sender::offer,
            Instant::now,
            settings.unprotectedBound());
    watchThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("keeper-alert-watch").daemon(true).unstarted(r));
    long every = settings.watchEvery().toMillis();
    watchThread.scheduleWithFixedDelay(
        () -> checkWatch("it runs again in " + every + " ms"), every, every, TimeUnit.MILLISECONDS);
  }

  private void checkWatch(String then) {
    try {
      watch.check();
    } catch (RuntimeException e) {
      log.error("the alert watch failed; {}", then, e);
    }
  }

  private void alertCounters(AlertSender sender) {
    CounterWithCallback.builder()
        .name("keeper_alerts_sent")
        .help("Alert posts delivered (one per alert and target)")
        .callback(cb -> cb.call(sender.sent()))
        .register(metrics.registry());
    CounterWithCallback.builder()
        .name("keeper_alerts_failed")
        .help("Alert posts given up after every retry")
        .callback(cb -> cb.call(sender.failed()))
        .register(metrics.registry());
    CounterWithCallback.builder()
        .name("keeper_alerts_dropped")
        .help("Alerts dropped: queue full or a target's rate exceeded")
        .callback(cb -> cb.call(sender.dropped()))
        .register(metrics.registry());
  }

  /** The alert sender, when alerts are configured. */
  public Optional<AlertSender> alerts() {
    return alerts;
  }

  /**
   * Stops serving, checks the watch a last time (a session that ends because its lease was lost
   * says so before it goes), and gives queued alerts a few seconds to be sent.
   */
  @Override
  public void close() {
    if (watchThread != null) {
      watchThread.shutdownNow();
      checkWatch("this was its last check");
    }
    if (server != null) {
      server.close();
    }
    alerts.ifPresent(AlertSender::close);
  }
}
