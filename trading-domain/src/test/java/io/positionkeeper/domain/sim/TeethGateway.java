package io.positionkeeper.domain.sim;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The venue as the keeper sees it, with switches that put back a defect the keeper once had, so the
 * simulator can show that it would catch it again ("teeth"). With no switch on it only forwards;
 * the invariants always read the venue itself, never through this decorator.
 */
final class TeethGateway extends ForwardingGateway {

  /** A defect put back. */
  enum Switch {
    /**
     * A close's exit invented from the entry: the position's entry price as exit, PnL 0 (how a
     * phantom close was once recorded when the store had failed to record the real close).
     */
    INVENTED_EXIT,
    /**
     * A stop move that failed is never settled from the venue: the read that settles it (the one
     * that follows the failed move) is refused, so the keeper goes on naming the stop it meant to
     * replace, as it did before a failed move was settled by reading the venue.
     */
    MOVE_NEVER_SETTLED,
    /**
     * Every stop move is refused, as by a venue that will not move the stop (no fault of the plan,
     * so nothing the keeper is excused for): the trailing stop freezes where it is while the peak
     * climbs. Not a defect of the keeper's: the control that shows I5_STOP_BEHIND_RULE still sees a
     * frozen stop.
     */
    MOVES_REFUSED
  }

  private final Set<Switch> on;
  private final Map<Symbol, BigDecimal> entries = new HashMap<>();
  private final Set<Symbol> moveFailed = new HashSet<>();

  TeethGateway(ExchangeGateway venue, Set<Switch> on) {
    super(venue);
    this.on = on.isEmpty() ? EnumSet.noneOf(Switch.class) : EnumSet.copyOf(on);
  }

  @Override
  public OrderReport placeMarketOrder(MarketOrderRequest request) {
    OrderReport report = venue().placeMarketOrder(request);
    if (!request.reduceOnly() && report.averagePrice().signum() > 0) {
      entries.put(request.symbol(), report.averagePrice());
    }
    return report;
  }

  @Override
  public StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement) {
    if (on.contains(Switch.MOVES_REFUSED)) {
      throw new RejectedException("teeth", "the stop " + current.clientId() + " cannot be moved");
    }
    try {
      return venue().moveStopLoss(current, replacement);
    } catch (RuntimeException e) {
      if (on.contains(Switch.MOVE_NEVER_SETTLED)) {
        moveFailed.add(current.symbol());
      }
      throw e;
    }
  }

  @Override
  public List<StopOrder> openStopLosses(Symbol symbol) {
    if (moveFailed.remove(symbol)) {
      throw new RetryableException("teeth: the read that settles a failed move is refused");
    }
    return venue().openStopLosses(symbol);
  }

  @Override
  public Optional<PositionExit> exitSince(Symbol symbol, PositionSide side, Instant since) {
    Optional<PositionExit> exit = venue().exitSince(symbol, side, since);
    BigDecimal entry = entries.get(symbol);
    if (!on.contains(Switch.INVENTED_EXIT) || exit.isEmpty() || entry == null) {
      return exit;
    }
    PositionExit real = exit.get();
    return Optional.of(
        new PositionExit(
            real.symbol(),
            real.side(),
            real.quantity(),
            entry,
            BigDecimal.ZERO,
            real.closingClientId(),
            real.time()));
  }
}
