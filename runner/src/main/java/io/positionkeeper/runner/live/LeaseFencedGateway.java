package io.positionkeeper.runner.live;

import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.ForwardingGateway;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.util.Objects;

/**
 * The live runner's venue: every write to the account (an order, a stop placed, moved or cancelled,
 * an order cancelled) first asks whether this runner still holds the account's lease, and is
 * refused with {@link io.positionkeeper.ports.StaleLeaseException} once it does not; reads go on.
 * The store is fenced by the lease in the database; this fences the venue, so that a runner whose
 * lease was lost while live (a standby may have taken the account over) does not act on the account
 * beside its successor: two runners placing stops and entries is what the lease prevents.
 *
 * <p>The refusal holds in the middle of an opening too: when the lease is lost after the entry
 * filled and before its stop is placed, this runner places no stop (and no emergency close). The
 * position is not left unprotected by that: the successor starts as after a restart, and its
 * reconciliation finds the venue position, adopts it and places its stop. A stop placed here as
 * well would be a second stop beside the successor's (on Binance it survives the position and
 * closes the next one), and an emergency close would close a position the successor protects. The
 * check runs on the caller's thread just before the request, with the watchdog's margin (a tenth of
 * the lease's time-to-live) between the deadline it checks and the lease's real expiry.
 *
 * <p>A refusal also declares the loss (the lease's watchdog may be late on a loaded machine), which
 * stops the runner: it takes no more signals, stops the keeper and exits with the lost-lease code.
 */
final class LeaseFencedGateway extends ForwardingGateway {
  /** Throws {@link io.positionkeeper.ports.StaleLeaseException} when the lease is not held. */
  @FunctionalInterface
  interface LeaseCheck {
    /**
     * @param next what the caller would do next, for the refusal's message
     */
    void ensureHeld(String next);
  }

  private final LeaseCheck lease;

  LeaseFencedGateway(ExchangeGateway venue, LeaseCheck lease) {
    super(venue);
    this.lease = Objects.requireNonNull(lease, "lease");
  }

  @Override
  public OrderReport placeMarketOrder(MarketOrderRequest request) {
    lease.ensureHeld(
        "send "
            + (request.reduceOnly() ? "reduce-only " : "")
            + request.side()
            + " order "
            + request.clientOrderId()
            + " on "
            + request.symbol());
    return super.placeMarketOrder(request);
  }

  @Override
  public OrderReport cancelOrder(Symbol symbol, ClientOrderId clientOrderId) {
    lease.ensureHeld("cancel order " + clientOrderId + " on " + symbol);
    return super.cancelOrder(symbol, clientOrderId);
  }

  @Override
  public StopOrder placeStopLoss(StopLossRequest request) {
    lease.ensureHeld("place stop " + request.clientId() + " on " + request.symbol());
    return super.placeStopLoss(request);
  }

  @Override
  public StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement) {
    lease.ensureHeld("move stop " + current.clientId() + " on " + current.symbol());
    return super.moveStopLoss(current, replacement);
  }

  @Override
  public void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId) {
    lease.ensureHeld("cancel stop " + stopClientId + " on " + symbol);
    super.cancelStopLoss(symbol, stopClientId);
  }
}
