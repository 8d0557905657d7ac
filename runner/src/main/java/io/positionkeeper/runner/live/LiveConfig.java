package io.positionkeeper.runner.live;

import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.ports.model.Symbol;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A checked live configuration. Built only by {@link LiveConfigReader}, which refuses a bad file
 * before anything connects. Holds no secret: the API keys and the database password are read from
 * the environment when the runner connects.
 */
public record LiveConfig(
    String account,
    Venue venue,
    ExchangeSettings exchange,
    String databaseUrl,
    String databaseUser,
    SignalInput signals) {

  public LiveConfig {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(venue, "venue");
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(databaseUrl, "databaseUrl");
    Objects.requireNonNull(databaseUser, "databaseUser");
    Objects.requireNonNull(signals, "signals");
  }

  /** A configuration for Binance. */
  public LiveConfig(
      String account,
      Venue venue,
      BinanceConfig binance,
      Map<Symbol, TradingSettings.SymbolSettings> symbols,
      String databaseUrl,
      String databaseUser,
      SignalInput signals) {
    this(
        account,
        venue,
        new ExchangeSettings.Binance(binance, symbols),
        databaseUrl,
        databaseUser,
        signals);
  }

  /** Which environment of the venue; its keys come from the matching environment variables. */
  public enum Venue {
    MAINNET,
    TESTNET,
    DEMO,
    CUSTOM
  }

  /** Where signals come from. */
  public sealed interface SignalInput {
    /** {@code monitoring.signals}, claimed with SKIP LOCKED. */
    record Database() implements SignalInput {}

    /** A JSON-lines file, read once. */
    record File(Path path) implements SignalInput {}

    /** JSON lines on standard input. */
    record Stdin() implements SignalInput {}
  }
}
