package io.positionkeeper.runner.live;

import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.bybit.config.BybitConfig;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The venue a live runner trades on, with what its adapter needs; holds no secret. */
public sealed interface ExchangeSettings {

  /** The venue, as signals and stored positions name it. */
  Exchange exchange();

  /** The symbols the configuration lists. */
  Set<Symbol> symbols();

  /** Binance USD-M futures: base URLs, and each symbol's leverage and margin type. */
  record Binance(BinanceConfig config, Map<Symbol, TradingSettings.SymbolSettings> settings)
      implements ExchangeSettings {
    public Binance {
      Objects.requireNonNull(config, "config");
      settings = Map.copyOf(settings);
    }

    @Override
    public Exchange exchange() {
      return Exchange.BINANCE;
    }

    @Override
    public Set<Symbol> symbols() {
      return settings.keySet();
    }
  }

  /**
   * Bybit v5 linear: base URLs, whose keys (the config's network), and each symbol's leverage (in
   * the config). Bybit has no per-symbol margin type to set: the account's margin mode applies.
   */
  record Bybit(BybitConfig config, Set<Symbol> symbols) implements ExchangeSettings {
    public Bybit {
      Objects.requireNonNull(config, "config");
      symbols = Set.copyOf(symbols);
    }

    @Override
    public Exchange exchange() {
      return Exchange.BYBIT;
    }
  }
}
