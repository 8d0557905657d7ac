package io.positionkeeper.domain.trailing;

import io.positionkeeper.domain.audit.AuditEvent;
import io.positionkeeper.domain.audit.AuditTrail;
import io.positionkeeper.domain.audit.Subject;
import io.positionkeeper.domain.position.PositionKey;
import io.positionkeeper.domain.position.PositionLoader;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.TrailingStopStore;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.Severity;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.TrailingStatus;
import io.positionkeeper.ports.model.TrailingStopState;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Restores trailing stops at startup from the positions already loaded from the database, never
 * from an exchange: this class has no gateway, so it cannot ask one: a restore that asked a venue
 * still connecting once deleted live trailing stops. All states come from one query; each is
 * validated against its loaded position (symbol, side, entry). A missing or mismatched state is
 * replaced by a fresh one built from the position, including when the position records no stop.
 * Nothing is deleted here: a state whose position is not open is only reported.
 */
public final class TrailingRestorer {
  private final TrailingStopStore store;
  private final AuditTrail audit;
  private final Clock clock;
  private final TrailingPolicy policy;

  public TrailingRestorer(
      TrailingStopStore store, AuditTrail audit, Clock clock, TrailingPolicy policy) {
    this.store = Objects.requireNonNull(store, "store");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** What a restore did. */
  public record Report(
      int restored, int fresh, List<Long> orphanStates, List<String> saveFailures) {
    public Report {
      orphanStates = List.copyOf(orphanStates);
      saveFailures = List.copyOf(saveFailures);
    }
  }

  /** Restores the trailing stops of {@code open} (the rows just loaded) into {@code manager}. */
  public Report restore(List<PositionRecord> open, TrailingStopManager manager) {
    Map<Long, TrailingStopState> states = new HashMap<>();
    for (TrailingStopState s : store.loadAll()) {
      states.put(s.positionId(), s);
    }
    int restored = 0;
    int fresh = 0;
    List<String> saveFailures = new ArrayList<>();
    Set<Long> used = new HashSet<>();
    for (PositionRecord row : open) {
      PositionKey key = new PositionKey(row.exchange(), row.symbol());
      ClientOrderId correlation = PositionLoader.correlationOf(row);
      TrailingStopState state = states.get(row.id());
      // A stored state of the other side means the net position flipped under the row (a late
      // entry larger than the position, one-way mode), and the stream's write of the flip changed
      // the row's side, not its stop: the row's stop is the old side's (a SHORT's stop above the
      // mark), which as the new side's would trigger at once. Trailing starts without it;
      // reconciliation protects the new side from its entry.
      boolean flipped = state != null && state.side() != row.side();
      Optional<StopOrder> placed =
          flipped
              ? Optional.empty()
              : TrailingStopManager.recordedStop(
                  row.symbol(), row.side(), row.stopClientId(), row.stopPrice());
      Optional<String> problem = problemWith(state, row);
      if (problem.isEmpty()) {
        manager.adopt(key, correlation, state, placed);
        used.add(row.id());
        restored++;
        continue;
      }
      TrailingStopState replacement = freshState(row, flipped ? Optional.empty() : row.stopPrice());
      fresh++;
      used.add(row.id());
      Subject subject = Subject.stored(key, row.id(), correlation.value());
      audit.record(new AuditEvent.TrailingReset(subject, problem.get()));
      try {
        store.save(replacement);
      } catch (PortException e) {
        // Trailing goes on in memory; the next save retries.
        saveFailures.add(row.id() + ": " + e.getMessage());
        audit.record(
            new AuditEvent.OperationFailed(
                subject, "trailing.save", e.getMessage(), Severity.WARNING));
      }
      manager.adopt(key, correlation, replacement, placed);
    }
    List<Long> orphans =
        states.keySet().stream().filter(id -> !used.contains(id)).sorted().toList();
    return new Report(restored, fresh, orphans, saveFailures);
  }

  private static Optional<String> problemWith(TrailingStopState state, PositionRecord row) {
    if (state == null) {
      return Optional.of("no stored trailing state");
    }
    if (!state.symbol().equals(row.symbol())) {
      return Optional.of(
          "stored state is for " + state.symbol() + ", the position is " + row.symbol());
    }
    if (state.side() != row.side()) {
      return Optional.of("stored state is " + state.side() + ", the position is " + row.side());
    }
    if (state.entryPrice().compareTo(row.entryPrice()) != 0) {
      return Optional.of(
          "stored entry "
              + state.entryPrice().toPlainString()
              + " differs from the position's "
              + row.entryPrice().toPlainString());
    }
    return Optional.empty();
  }

  private TrailingStopState freshState(PositionRecord row, Optional<BigDecimal> stop) {
    TrailingParams params = policy.defaults();
    return new TrailingStopState(
        row.id(),
        row.symbol(),
        row.side(),
        row.entryPrice(),
        TrailingRule.activationPrice(row.side(), row.entryPrice(), params.activationPercent()),
        params.callbackPercent(),
        TrailingStatus.INACTIVE,
        row.entryPrice(),
        stop,
        0,
        Optional.empty(),
        Optional.empty(),
        row.entryPrice(),
        clock.now());
  }
}
