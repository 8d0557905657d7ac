package io.positionkeeper.runner.paper;

import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;

/**
 * Instrument rules for the in-memory exchange, derived from a symbol's first mark: a tick of about
 * a hundred-thousandth of the price, a quantity step of about a ten-thousandth of a 100 USDT order,
 * and Binance's usual 5 USDT minimum notional (inferred from Binance's USDT-M perpetuals; paper
 * mode has no venue to ask).
 */
public final class PaperInstruments {
  private PaperInstruments() {}

  public static InstrumentRules forMark(Symbol symbol, BigDecimal firstMark) {
    int magnitude = firstMark.precision() - firstMark.scale() - 1;
    BigDecimal tick = BigDecimal.ONE.scaleByPowerOfTen(magnitude - 5);
    BigDecimal step = BigDecimal.ONE.scaleByPowerOfTen(Math.min(0, -magnitude));
    return new InstrumentRules(
        symbol,
        tick,
        step,
        step,
        step.multiply(BigDecimal.valueOf(1_000_000)),
        new BigDecimal("5"));
  }
}
