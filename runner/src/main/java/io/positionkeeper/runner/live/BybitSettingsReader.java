package io.positionkeeper.runner.live;

import io.positionkeeper.bybit.auth.Credentials;
import io.positionkeeper.bybit.config.BybitConfig;
import io.positionkeeper.ports.model.Symbol;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * The Bybit part of a live configuration ({@code exchange=bybit}): the environment's base URLs,
 * whose keys, and each symbol's leverage. Every refusal names the field and the fix.
 */
final class BybitSettingsReader {
  // Bybit lists up to 200x on some linear contracts; a symbol that allows less refuses more itself.
  private static final int MAX_LEVERAGE = 200;

  private BybitSettingsReader() {}

  static ExchangeSettings.Bybit read(Properties p, LiveConfig.Venue venue) {
    BybitConfig.Builder builder =
        switch (venue) {
          case MAINNET -> BybitConfig.mainnet();
          case TESTNET -> BybitConfig.testnet();
          case DEMO -> BybitConfig.demo();
          case CUSTOM ->
              BybitConfig.custom(
                  keys(p),
                  LiveConfigReader.url(p, "bybit.restUrl", "https"),
                  LiveConfigReader.url(p, "bybit.publicStreamUrl", "wss"),
                  LiveConfigReader.url(p, "bybit.privateStreamUrl", "wss"));
        };
    if (venue != LiveConfig.Venue.CUSTOM && p.getProperty("bybit.keys") != null) {
      throw new ConfigException(
          "bybit.keys",
          "only environment=custom chooses its keys",
          "remove it; environment=" + venue.name().toLowerCase(Locale.ROOT) + " uses its own");
    }
    StreamTimingsReader.read(p)
        .ifPresent(t -> builder.streamTimings(t.pingInterval(), t.stallTimeout()));
    Set<Symbol> symbols = new LinkedHashSet<>(LiveConfigReader.symbolList(p));
    for (Symbol symbol : symbols) {
      builder.leverage(symbol, leverage(p, symbol));
      String marginField = "symbol." + symbol.value() + ".marginType";
      if (p.getProperty(marginField) != null) {
        throw new ConfigException(
            marginField,
            "Bybit sets no margin type per symbol (the account's margin mode applies)",
            "remove it and choose the margin mode in the Bybit account");
      }
    }
    try {
      return new ExchangeSettings.Bybit(builder.build(), symbols);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bybit", e.getMessage(), "correct the value named");
    }
  }

  /**
   * Whose keys a custom URL gets: {@code bybit.keys=mainnet|testnet|demo}, mainnet's ({@code
   * BYBIT_API_KEY}) when unset.
   */
  private static BybitConfig.Network keys(Properties p) {
    String value = p.getProperty("bybit.keys", "mainnet").strip();
    try {
      return BybitConfig.Network.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "bybit.keys",
          "unknown key set \"" + value + "\"",
          "set bybit.keys=mainnet|testnet|demo (the variables "
              + Credentials.keyVariable(BybitConfig.Network.MAINNET)
              + ", "
              + Credentials.keyVariable(BybitConfig.Network.TESTNET)
              + ", "
              + Credentials.keyVariable(BybitConfig.Network.DEMO)
              + ")");
    }
  }

  private static int leverage(Properties p, Symbol symbol) {
    String field = "symbol." + symbol.value() + ".leverage";
    String range = "1.." + MAX_LEVERAGE;
    String text = LiveConfigReader.required(p, field, "set " + field + "=<" + range + ">");
    int leverage;
    try {
      leverage = Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(field, "not a number: " + text, "a whole number " + range);
    }
    if (leverage < 1 || leverage > MAX_LEVERAGE) {
      throw new ConfigException(field, "out of range: " + leverage, "a number " + range);
    }
    return leverage;
  }
}
