package io.positionkeeper.ports;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.MarkPrice;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.OrderReport;
import io.positionkeeper.ports.model.PositionExit;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StopOrder;
import io.positionkeeper.ports.model.Symbol;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Requests to one venue's account (one-way position mode). Every method either returns the venue's
 * answer or throws a {@link PortException}; none returns a flag for failure.
 */
public interface ExchangeGateway {

  /** The venue this gateway talks to. */
  Exchange exchange();

  /** The trading rules of every tradable instrument. */
  List<InstrumentRules> instruments();

  /**
   * The trading rules of one instrument; {@link RejectedException} if the venue does not list it.
   */
  InstrumentRules instrument(Symbol symbol);

  /**
   * Places a market order; one order per client id, whatever the venue allows. Venues keep client
   * ids unique only among <em>open</em> orders (a filled market order frees its id, and the same id
   * sent again would open a second time), so the gateway looks the id up before sending:
   *
   * <ul>
   *   <li>when the venue has an order with that id for the same symbol, side, quantity and
   *       reduce-only flag, nothing is sent and that order is reported (whatever its state);
   *   <li>when the id names a different order, {@link RejectedException}: a new order needs a new
   *       client id;
   *   <li>while an earlier attempt with that id got an ambiguous answer and has not yet shown up or
   *       been proven absent (see {@link #queryOrder}), {@link OutcomeUnknownException}: nothing is
   *       sent.
   * </ul>
   *
   * An ambiguous answer to the send itself is {@link OutcomeUnknownException}: query, never resend
   * to find out. The report may still say {@code NEW} (the fill then arrives on the stream or by
   * {@link #queryOrder}). The memory of ambiguous answers belongs to the gateway instance: after a
   * restart the caller's own record of its intents is what prevents a second intent.
   */
  OrderReport placeMarketOrder(MarketOrderRequest request);

  /**
   * The order with that client id (the newest, when the venue reused the id), or empty when the
   * venue definitively has no such order. After an ambiguous answer to an order with that id the
   * venue can show the order late; "no such order" then is {@link OutcomeUnknownException} until a
   * bounded series of queries over a bounded time (the adapter's configuration) found nothing, and
   * only then empty.
   */
  Optional<OrderReport> queryOrder(Symbol symbol, ClientOrderId clientOrderId);

  /** Cancels an open order and reports its final state. */
  OrderReport cancelOrder(Symbol symbol, ClientOrderId clientOrderId);

  /**
   * Places a stop-loss that closes the whole position when the mark price crosses its trigger. One
   * stop per client id, as for {@link #placeMarketOrder}: a stop already working with that id,
   * symbol, side and trigger is reported instead of placing another; an id that names any other
   * stop (a different one, or one no longer working) is {@link RejectedException}.
   */
  StopOrder placeStopLoss(StopLossRequest request);

  /**
   * Moves a stop-loss to a new trigger. Where the venue cannot amend, the replacement is placed
   * before the old one is cancelled, so the position is never without a stop when that can be
   * avoided. Returns the stop now working (with the replacement's client id where one was placed).
   */
  StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement);

  /**
   * Cancels a stop-loss; cancelling one that is already gone is not an error. "Gone" is only
   * reported once the venue no longer lists the stop as working; a stop that is being triggered
   * right now is {@link RetryableException}.
   */
  void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId);

  /**
   * The stop-losses working on a symbol: only those of the kind this gateway places (whole-position
   * stops), never take-profits, trailing stops or stops for a quantity placed by hand. A stop that
   * outlived its position (closed by hand, liquidated) is still listed: it would close the next
   * position, so the caller cancels it. While a stop placed on the symbol is in doubt and not
   * listed, {@link OutcomeUnknownException}.
   */
  List<StopOrder> openStopLosses(Symbol symbol);

  /**
   * The stop-losses working on every symbol of the account, read in one request where the venue
   * allows it (pages of one listing where it pages): the same stops {@link #openStopLosses} lists,
   * symbol by symbol, for a caller that needs them all (a reconciliation) without a request per
   * symbol. The answer is all or nothing: a page or a row that cannot be read, or a stop placed on
   * any symbol that is in doubt and not listed, fails the call ({@link RetryableException}, {@link
   * OutcomeUnknownException}); it never returns a list with a stop missing.
   */
  List<StopOrder> allOpenStopLosses();

  /**
   * The account's positions, saying whether the answer is complete. Rows may include flat ones
   * (size zero), as the venues list them; readers filter them by their raw size.
   */
  PositionSnapshot positions();

  /**
   * The venue's id of the order that opened the current position on a symbol, from its order or
   * trade history; empty when the history does not show one.
   */
  Optional<ExchangeOrderId> openingOrderId(Symbol symbol, PositionSide side);

  /**
   * How a position of {@code side} on {@code symbol} ended, from the fills after {@code since} that
   * reduced it, taken together (empty when the venue's trade history shows none), so that a
   * position found closed while nobody watched (a phantom) gets its real exit price, PnL and
   * closing order, never invented ones. One position only: the fills stop at the first one that
   * left the venue flat (or turned it to the other side); a later position on the same symbol and
   * side is another position, and its fills are not part of this exit.
   */
  Optional<PositionExit> exitSince(Symbol symbol, PositionSide side, Instant since);

  /** The current mark price of a symbol. */
  MarkPrice markPrice(Symbol symbol);

  /** The venue's clock. */
  Instant serverTime();
}
