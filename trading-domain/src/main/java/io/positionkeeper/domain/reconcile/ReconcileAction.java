package io.positionkeeper.domain.reconcile;

import io.positionkeeper.domain.position.Position;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One change reconciliation decided on. Printed as is by a dry run, applied by {@link Reconciler}.
 */
public sealed interface ReconcileAction {

  /** The symbol the action is about. */
  Symbol symbol();

  /** One line for a trader: what would be done, and why. */
  String describe();

  /** A pending registration outlived its deadline: remove it from the book (never a store call). */
  record ExpirePending(Position.Pending pending, Duration age) implements ReconcileAction {
    public ExpirePending {
      Objects.requireNonNull(pending, "pending");
      Objects.requireNonNull(age, "age");
    }

    public Symbol symbol() {
      return pending.key().symbol();
    }

    public String describe() {
      return "remove pending "
          + pending.key()
          + " ("
          + pending.correlationKey()
          + ") from the book: registered "
          + age.toSeconds()
          + " s ago";
    }
  }

  /** A row whose position is absent from two complete snapshots: close it as a phantom. */
  record ClosePhantom(PositionRecord row) implements ReconcileAction {
    public ClosePhantom {
      Objects.requireNonNull(row, "row");
    }

    public Symbol symbol() {
      return row.symbol();
    }

    public String describe() {
      return "close phantom #"
          + row.id()
          + " "
          + row.symbol()
          + " "
          + row.side()
          + " "
          + row.quantity().toPlainString()
          + ": absent from two complete snapshots";
    }
  }

  /** The exchange holds the row's symbol with another side or size: the row follows it. */
  record FollowExchange(
      PositionRecord row, PositionSide side, BigDecimal quantity, BigDecimal entryPrice)
      implements ReconcileAction {
    public FollowExchange {
      Objects.requireNonNull(row, "row");
      Objects.requireNonNull(side, "side");
      Objects.requireNonNull(quantity, "quantity");
      Objects.requireNonNull(entryPrice, "entryPrice");
    }

    public Symbol symbol() {
      return row.symbol();
    }

    public String describe() {
      return "update #"
          + row.id()
          + " "
          + row.symbol()
          + " from "
          + row.side()
          + " "
          + row.quantity().toPlainString()
          + " to the exchange's "
          + side
          + " "
          + quantity.toPlainString()
          + " @ "
          + entryPrice.toPlainString();
    }
  }

  /**
   * An active position with no working stop-loss on the exchange (cancelled by hand): place one, at
   * {@code trigger} (the row's recorded stop) or, when absent, at the default distance from {@code
   * entryPrice}. {@code otherSide} are stops of ours working for the other side of the symbol's one
   * net position (the old side's, after a net flip): they protect nothing, and are cancelled once
   * the new stop works, never before.
   */
  record ReplaceStop(
      PositionRecord row,
      PositionSide side,
      BigDecimal entryPrice,
      Optional<BigDecimal> trigger,
      List<StopOrder> otherSide)
      implements ReconcileAction {
    public ReplaceStop {
      Objects.requireNonNull(row, "row");
      Objects.requireNonNull(side, "side");
      Objects.requireNonNull(entryPrice, "entryPrice");
      Objects.requireNonNull(trigger, "trigger");
      otherSide = List.copyOf(otherSide);
    }

    public Symbol symbol() {
      return row.symbol();
    }

    public String describe() {
      return "re-place the stop-loss of #"
          + row.id()
          + " "
          + row.symbol()
          + " "
          + side
          + trigger.map(t -> " at " + t.toPlainString()).orElse(" at the default distance")
          + ": no stop is working on the exchange";
    }
  }

  /**
   * The row names a stop that no longer works while another of the position's own stops does (a
   * re-placed stop whose recording failed, a move settled from the venue): record the working one.
   */
  record RecordWorkingStop(PositionRecord row, StopOrder stop) implements ReconcileAction {
    public RecordWorkingStop {
      Objects.requireNonNull(row, "row");
      Objects.requireNonNull(stop, "stop");
    }

    public Symbol symbol() {
      return row.symbol();
    }

    public String describe() {
      return "record stop "
          + stop.clientId()
          + " at "
          + stop.triggerPrice().toPlainString()
          + " on #"
          + row.id()
          + " "
          + row.symbol()
          + ": the row names "
          + row.stopClientId().map(Object::toString).orElse("none");
    }
  }

  /** A position on the exchange without a row, to adopt and protect. */
  record AdoptMissing(ExchangePosition position) implements ReconcileAction {
    public AdoptMissing {
      requireOpen(position);
    }

    public Symbol symbol() {
      return position.symbol();
    }

    public String describe() {
      return "adopt " + missing(position) + " with its real opening order id, then protect it";
    }
  }

  /** A position on the exchange without a row, left alone by policy (recorded). */
  record IgnoreMissing(ExchangePosition position) implements ReconcileAction {
    public IgnoreMissing {
      requireOpen(position);
    }

    public Symbol symbol() {
      return position.symbol();
    }

    public String describe() {
      return "record " + missing(position) + " and leave it (policy IGNORE)";
    }
  }

  /** A position on the exchange without a row, closed at market by policy. */
  record CloseMissing(ExchangePosition position) implements ReconcileAction {
    public CloseMissing {
      requireOpen(position);
    }

    public Symbol symbol() {
      return position.symbol();
    }

    public String describe() {
      return "close " + missing(position) + " at market (policy CLOSE)";
    }
  }

  /**
   * A stop of ours working on a symbol where the venue holds no position and the book holds none
   * (no open in flight): left there, it would close the next position on the symbol.
   */
  record CancelOrphanStop(StopOrder stop) implements ReconcileAction {
    public CancelOrphanStop {
      Objects.requireNonNull(stop, "stop");
    }

    public Symbol symbol() {
      return stop.symbol();
    }

    public String describe() {
      return "cancel orphan stop "
          + stop.clientId()
          + " on "
          + stop.symbol()
          + " at "
          + stop.triggerPrice().toPlainString()
          + ": no position holds it";
    }
  }

  /**
   * A second stop of one position (a move whose cancel half failed, a re-placement beside a stop
   * whose answer was lost): the tightest stays, the others go, so the position has exactly one.
   */
  record CancelExtraStop(PositionRecord row, StopOrder stop, StopOrder kept)
      implements ReconcileAction {
    public CancelExtraStop {
      Objects.requireNonNull(row, "row");
      Objects.requireNonNull(stop, "stop");
      Objects.requireNonNull(kept, "kept");
    }

    public Symbol symbol() {
      return stop.symbol();
    }

    public String describe() {
      return "cancel extra stop "
          + stop.clientId()
          + " of #"
          + row.id()
          + " "
          + stop.symbol()
          + " at "
          + stop.triggerPrice().toPlainString()
          + ": "
          + kept.clientId()
          + " at "
          + kept.triggerPrice().toPlainString()
          + " protects it";
    }
  }

  private static void requireOpen(ExchangePosition position) {
    Objects.requireNonNull(position, "position");
    if (position.isFlat()) {
      throw new IllegalArgumentException("a flat exchange row is not a position: " + position);
    }
  }

  private static String missing(ExchangePosition p) {
    return "missing "
        + p.symbol()
        + " "
        + p.side().orElseThrow()
        + " "
        + p.size().toPlainString()
        + " @ "
        + p.entryPrice().toPlainString();
  }
}
