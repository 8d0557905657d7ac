package io.positionkeeper.domain.reconcile;

import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import java.util.List;
import java.util.Objects;

/** The result of one reconciliation: refused without touching anything, or completed. */
public sealed interface ReconcileResult {

  Exchange exchange();

  /**
   * Nothing was read to a conclusion and nothing was changed: the streams were not resynced, a
   * snapshot was incomplete, a read failed, or the connection changed while reading; or ({@code
   * alreadyRunning}) a run was under way on this thread already, which says nothing about the venue
   * (the outer run reads it, and news that came in meanwhile stays owed after it).
   */
  record Refused(Exchange exchange, String reason, boolean alreadyRunning)
      implements ReconcileResult {
    public Refused {
      Objects.requireNonNull(exchange, "exchange");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * What was compared and what was decided; in a dry run every outcome is {@code PLANNED}.
   *
   * @param storedOpen open rows of the exchange
   * @param exchangeOpen exchange positions, flat rows left out
   * @param flatRowsIgnored exchange rows of raw size zero, not counted as positions
   * @param inSync rows found on the exchange as stored, with their stops read and one working
   * @param stopsUnread symbols of open rows on the exchange whose open stops could not be read:
   *     their protection is unknown, so they are neither in sync nor repaired in this run
   */
  record Completed(
      Exchange exchange,
      boolean dryRun,
      int storedOpen,
      int exchangeOpen,
      int flatRowsIgnored,
      int inSync,
      List<Symbol> stopsUnread,
      List<ActionOutcome> outcomes)
      implements ReconcileResult {
    public Completed {
      Objects.requireNonNull(exchange, "exchange");
      stopsUnread = List.copyOf(stopsUnread);
      outcomes = List.copyOf(outcomes);
    }

    /** The decided actions, in order. */
    public List<ReconcileAction> actions() {
      return outcomes.stream().map(ActionOutcome::action).toList();
    }

    /** How many actions of a kind ended with a status. */
    public long count(Class<? extends ReconcileAction> kind, ActionOutcome.Status status) {
      return outcomes.stream()
          .filter(o -> kind.isInstance(o.action()) && o.status() == status)
          .count();
    }

    /** How many actions were left to a caller still at them (see {@code DEFERRED}). */
    public long deferred() {
      return outcomes.stream().filter(o -> o.status() == ActionOutcome.Status.DEFERRED).count();
    }

    /** How many actions failed. */
    public long errors() {
      return outcomes.stream().filter(o -> o.status() == ActionOutcome.Status.FAILED).count();
    }
  }
}
