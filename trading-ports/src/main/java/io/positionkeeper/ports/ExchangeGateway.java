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
   * Places a market order. Idempotent by client order id: when an order with that id already
   * exists, no second order is created and the existing one is reported. The report may still say
   * {@code NEW} (the fill then arrives on the stream or by {@link #queryOrder}).
   */
  OrderReport placeMarketOrder(MarketOrderRequest request);

  /** The order with that client id, or empty when the venue definitively has no such order. */
  Optional<OrderReport> queryOrder(Symbol symbol, ClientOrderId clientOrderId);

  /** Cancels an open order and reports its final state. */
  OrderReport cancelOrder(Symbol symbol, ClientOrderId clientOrderId);

  /** Places a stop-loss that closes the whole position when the mark price crosses its trigger. */
  StopOrder placeStopLoss(StopLossRequest request);

  /**
   * Moves a stop-loss to a new trigger. Where the venue cannot amend, the replacement is placed
   * before the old one is cancelled, so the position is never without a stop when that can be
   * avoided. Returns the stop now working (with the replacement's client id where one was placed).
   */
  StopOrder moveStopLoss(StopOrder current, StopLossRequest replacement);

  /** Cancels a stop-loss; cancelling one that is already gone is not an error. */
  void cancelStopLoss(Symbol symbol, ClientOrderId stopClientId);

  /** The stop-losses working on a symbol. */
  List<StopOrder> openStopLosses(Symbol symbol);

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
   * closing order, never invented ones.
   */
  Optional<PositionExit> exitSince(Symbol symbol, PositionSide side, Instant since);

  /** The current mark price of a symbol. */
  MarkPrice markPrice(Symbol symbol);

  /** The venue's clock. */
  Instant serverTime();
}
