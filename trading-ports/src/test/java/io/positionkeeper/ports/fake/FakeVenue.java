package io.positionkeeper.ports.fake;

import io.positionkeeper.ports.contract.VenueDriver;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;

/** A fake exchange on a manual clock with BTCUSDT listed as Binance lists it. */
final class FakeVenue implements VenueDriver {
  static final Symbol BTC = Symbol.of("BTCUSDT");
  static final InstrumentRules BTC_RULES =
      new InstrumentRules(
          BTC,
          new BigDecimal("0.10"),
          new BigDecimal("0.001"),
          new BigDecimal("0.001"),
          new BigDecimal("120"),
          new BigDecimal("100"));

  final ManualClock clock = ManualClock.atDefaultStart();
  final FakeExchange exchange = new FakeExchange(Exchange.BINANCE, clock).addInstrument(BTC_RULES);

  @Override
  public Symbol symbol() {
    return BTC;
  }

  @Override
  public BigDecimal startPrice() {
    return new BigDecimal("64000");
  }

  @Override
  public BigDecimal orderQuantity() {
    return new BigDecimal("0.010");
  }

  @Override
  public void setMarkPrice(Symbol symbol, BigDecimal price) {
    exchange.setMarkPrice(symbol, price);
  }
}
