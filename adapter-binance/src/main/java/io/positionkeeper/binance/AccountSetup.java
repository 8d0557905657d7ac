package io.positionkeeper.binance;

import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.ports.model.Symbol;
import java.util.Map;

/**
 * The account as the gateway found and set it at start, for the status the keeper reports: one-way
 * position mode (hedge mode is refused), and per configured symbol the leverage and margin type now
 * in force.
 */
public record AccountSetup(Map<Symbol, TradingSettings.SymbolSettings> symbols) {
  public AccountSetup {
    symbols = Map.copyOf(symbols);
  }

  /** Always true: a gateway on a hedge-mode account refuses to start. */
  public boolean oneWayMode() {
    return true;
  }
}
