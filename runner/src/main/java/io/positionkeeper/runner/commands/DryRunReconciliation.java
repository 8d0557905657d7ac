package io.positionkeeper.runner.commands;

import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.instrument.Instrument;
import io.positionkeeper.domain.instrument.InstrumentCatalog;
import io.positionkeeper.domain.keeper.KeeperPolicy;
import io.positionkeeper.domain.position.Position;
import io.positionkeeper.domain.position.PositionBook;
import io.positionkeeper.domain.position.PositionLoader;
import io.positionkeeper.domain.reconcile.ReconcileResult;
import io.positionkeeper.domain.reconcile.ReconcileRule;
import io.positionkeeper.domain.reconcile.Reconciler;
import io.positionkeeper.domain.stream.ConnectionMonitor;
import io.positionkeeper.domain.tracking.OwnExits;
import io.positionkeeper.domain.tracking.PositionCloser;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.domain.trailing.TrailingStops;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.PositionStore;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.StreamEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the keeper's reconciliation would do now, decided by the domain's own {@link
 * Reconciler#dryRun()} on the venue's REST answers and the stored rows, without starting a keeper
 * (whose start reconciles for real). The venue and the store it is given refuse every change, and
 * its audit records stay in memory. A running keeper's trailing states are not loaded: a planned
 * re-protection shows the row's stop, where the live keeper would take the tighter of it and the
 * trailed level.
 */
public final class DryRunReconciliation {
  private DryRunReconciliation() {}

  public static ReconcileResult run(
      ExchangeGateway venue, PositionStore store, Clock clock, KeeperPolicy policy) {
    ExchangeGateway readOnly = new ReadOnlyGateway(venue);
    PositionStore rows = new ReadOnlyStore(store);
    PositionBook book = new PositionBook(clock, new OwnExits());
    PositionLoader.load(rows, book);
    List<io.positionkeeper.ports.model.AuditRecord> audit = new ArrayList<>();
    AuditTrail trail = new AuditTrail(clock, audit::add);
    // REST answers only, read once: there is no stream whose reconnect could make them stale.
    ConnectionMonitor monitor = new ConnectionMonitor(readOnly.exchange());
    monitor.onEvent(
        new StreamEvent.ConnectionChanged(ConnectionState.RESYNCED, "dry run", clock.now()));
    InstrumentCatalog instruments = new InstrumentCatalog();
    instruments.loadAll(readOnly);
    TrailingStops trailing = new NoTrailing();
    PositionCloser closer =
        new PositionCloser(
            Map.of(readOnly.exchange(), readOnly),
            rows,
            book,
            trail,
            trailing,
            clock,
            policy.closeOrderDeadline());
    return new Reconciler(
            readOnly,
            monitor,
            rows,
            book,
            trail,
            trailing,
            closer,
            clock,
            policy.reconcile(),
            instruments,
            ReconcileRule.STANDARD)
        .dryRun();
  }

  /** No trailing stop runs in a dry run; starting one would be a change. */
  private static final class NoTrailing implements TrailingStops {
    @Override
    public void start(
        Position position,
        long dbId,
        Instrument instrument,
        TrailingParams params,
        StopOrder stop) {
      throw new IllegalStateException("dry run: starting a trailing stop refused");
    }

    @Override
    public void onStopPlaced(Position position, long dbId, StopOrder stop) {
      throw new IllegalStateException("dry run: a placed stop refused");
    }

    @Override
    public void stop(long dbId) {
      throw new IllegalStateException("dry run: stopping a trailing stop refused");
    }

    @Override
    public boolean hasMovedStop(long dbId) {
      return false;
    }

    @Override
    public Optional<BigDecimal> trailedStop(
        long dbId, io.positionkeeper.ports.model.PositionSide side) {
      return Optional.empty();
    }
  }
}
