package io.positionkeeper.ports.contract;

import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;

/**
 * What the {@link ExchangeGatewayContract} needs from the venue behind a gateway under test (the
 * fake exchange, or an exchange emulator): a tradable symbol and control of its mark price.
 */
public interface VenueDriver {

  /**
   * A symbol the venue lists whose rules accept a market order of {@link #orderQuantity()} at marks
   * near {@link #startPrice()}.
   */
  Symbol symbol();

  /** A mark price for {@link #symbol()} to start from. */
  BigDecimal startPrice();

  /** A quantity that is valid for a market order at {@link #startPrice()}. */
  BigDecimal orderQuantity();

  /** Sets the mark price the venue uses for fills and stop triggers. */
  void setMarkPrice(Symbol symbol, BigDecimal price);
}
