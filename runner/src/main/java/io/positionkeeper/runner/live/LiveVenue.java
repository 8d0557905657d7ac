package io.positionkeeper.runner.live;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import io.positionkeeper.binance.BinanceGateway;
import io.positionkeeper.binance.BinanceStreams;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.bybit.BybitAdapter;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeGateway;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionRecord;
import io.positionkeeper.ports.model.PositionStatus;
import io.positionkeeper.ports.model.Symbol;
import io.positionkeeper.runner.wiring.BinanceModule;
import io.positionkeeper.runner.wiring.BybitModule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Main's choice of venue for live mode: the configured venue's adapter, opened, and the Guice
 * module that binds it. The keys are read from the environment by {@link #keys} before anything
 * connects, so a missing one stops the start first.
 */
final class LiveVenue implements AutoCloseable {
  private final Module module;
  private final Runnable adapter;
  private final Consumer<List<PositionRecord>> restore;

  private LiveVenue(Module module, Runnable adapter, Consumer<List<PositionRecord>> restore) {
    this.module = module;
    this.adapter = adapter;
    this.restore = restore;
  }

  /** The venue's keys, read now; {@link Keys#open} connects with them. */
  static Keys keys(LiveConfig config, Map<String, String> env) {
    return switch (config.exchange()) {
      case ExchangeSettings.Binance binance -> binanceKeys(config.venue(), binance, env);
      case ExchangeSettings.Bybit bybit -> bybitKeys(bybit, env);
    };
  }

  /**
   * Opens the adapter: account setup and clock sync happen here. Every write to the account, the
   * set-up's included, first asks {@code lease} (see {@link LeaseFencedGateway}).
   */
  @FunctionalInterface
  interface Keys {
    LiveVenue open(Clock clock, Executor io, LeaseFencedGateway.LeaseCheck lease);
  }

  private static Keys binanceKeys(
      LiveConfig.Venue venue, ExchangeSettings.Binance settings, Map<String, String> env) {
    io.positionkeeper.binance.auth.Credentials credentials =
        switch (venue) {
          case TESTNET -> io.positionkeeper.binance.auth.Credentials.fromEnvironment(env, true);
          case MAINNET, DEMO, CUSTOM ->
              io.positionkeeper.binance.auth.Credentials.fromEnvironment(env, false);
        };
    return (clock, io, lease) -> {
      BinanceGateway gateway =
          BinanceGateway.open(
              settings.config(),
              credentials,
              clock,
              TradingSettings.defaults().withSymbols(settings.settings()),
              lease::ensureHeld);
      return new LiveVenue(
          fenced(
              new BinanceModule(gateway, new BinanceStreams(gateway), clock, io), gateway, lease),
          gateway::close,
          // Binance keeps our client id on the stop (the algo order's clientAlgoId).
          stored -> {});
    };
  }

  private static Keys bybitKeys(ExchangeSettings.Bybit settings, Map<String, String> env) {
    io.positionkeeper.bybit.auth.Credentials credentials =
        io.positionkeeper.bybit.auth.Credentials.fromEnvironment(env, settings.config().network());
    return (clock, io, lease) -> {
      BybitAdapter adapter = BybitAdapter.create(settings.config(), credentials, clock);
      // Bybit sets a symbol's leverage inside the first order on it, behind the same check.
      return new LiveVenue(
          fenced(new BybitModule(adapter, clock, io), adapter.gateway(), lease),
          adapter::close,
          stored -> adapter.restoreStopNames(stopNames(stored)));
    };
  }

  /** {@code module} with its gateway bound behind the lease check. */
  private static Module fenced(
      Module module, ExchangeGateway gateway, LeaseFencedGateway.LeaseCheck lease) {
    ExchangeGateway guarded = new LeaseFencedGateway(gateway, lease);
    return Modules.override(module)
        .with(
            new AbstractModule() {
              @Override
              protected void configure() {
                bind(ExchangeGateway.class).toInstance(guarded);
              }
            });
  }

  /** The module binding the venue's gateway, streams, clock and the keeper's io thread. */
  Module module() {
    return module;
  }

  /**
   * Tells the adapter what the store says about the open positions, before the keeper starts: a
   * venue that keeps no client id on a stop (Bybit) learns the names the stops were placed with.
   */
  void restore(List<PositionRecord> openRows) {
    restore.accept(openRows);
  }

  private static Map<Symbol, ClientOrderId> stopNames(List<PositionRecord> rows) {
    Map<Symbol, ClientOrderId> names = new HashMap<>();
    for (PositionRecord row : rows) {
      if (row.exchange() == Exchange.BYBIT && row.status() == PositionStatus.ACTIVE) {
        row.stopClientId().ifPresent(id -> names.put(row.symbol(), id));
      }
    }
    return names;
  }

  /** Closes the adapter: its streams and its connections. */
  @Override
  public void close() {
    adapter.run();
  }
}
