package io.positionkeeper.runner.live;

import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.ports.model.AccountId;
import io.positionkeeper.ports.model.Symbol;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads and checks the live configuration (Java properties). Every refusal names the field and the
 * fix, and happens before any connection. A key that looks like a secret is refused outright:
 * secrets belong in environment variables, never in a file that gets copied and committed.
 */
public final class LiveConfigReader {
  private static final Set<String> SECRET_WORDS = Set.of("secret", "password", "apikey", "api.key");

  private LiveConfigReader() {}

  public static LiveConfig read(Properties p) {
    refuseSecrets(p);
    String exchange = required(p, "exchange", "set exchange=binance or exchange=bybit");
    LiveConfig.Venue venue = venue(p);
    ExchangeSettings settings =
        switch (exchange.toLowerCase(Locale.ROOT)) {
          case "binance" -> new ExchangeSettings.Binance(binance(p, venue), symbols(p));
          case "bybit" -> BybitSettingsReader.read(p, venue);
          default ->
              throw new ConfigException(
                  "exchange",
                  "unknown exchange \"" + exchange + "\"",
                  "set exchange=binance or exchange=bybit");
        };
    return new LiveConfig(
        account(p),
        venue,
        settings,
        databaseUrl(p),
        required(
            p, "database.user", "set database.user=<role>; the password is KEEPER_DB_PASSWORD"),
        signals(p));
  }

  private static void refuseSecrets(Properties p) {
    for (String key : p.stringPropertyNames()) {
      String lower = key.toLowerCase(Locale.ROOT);
      for (String word : SECRET_WORDS) {
        if (lower.contains(word)) {
          throw new ConfigException(
              key,
              "secrets are not read from the configuration file",
              "remove it and set the environment variable instead (BINANCE_API_KEY,"
                  + " BINANCE_API_SECRET, BINANCE_TESTNET_*, BYBIT_API_KEY, BYBIT_API_SECRET,"
                  + " BYBIT_TESTNET_*, BYBIT_DEMO_*, KEEPER_DB_PASSWORD)");
        }
      }
    }
  }

  private static String account(Properties p) {
    String fix = "name the account with 1-64 of A-Z a-z 0-9 . _ -, e.g. account=binance-main";
    String value = required(p, "account", fix);
    try {
      return AccountId.of(value).value();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("account", "not a valid account name: " + value, fix);
    }
  }

  private static LiveConfig.Venue venue(Properties p) {
    String value = required(p, "environment", "set environment=testnet|demo|mainnet|custom");
    try {
      return LiveConfig.Venue.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "environment",
          "unknown environment \"" + value + "\"",
          "set environment=testnet|demo|mainnet|custom");
    }
  }

  private static BinanceConfig binance(Properties p, LiveConfig.Venue venue) {
    BinanceConfig config = binanceVenue(p, venue);
    return StreamTimingsReader.read(p)
        .map(
            t ->
                config.withStreamTimings(
                    config.listenKeyKeepAlive(),
                    config.maxConnectionAge(),
                    t.pingInterval(),
                    t.stallTimeout(),
                    config.housekeepingInterval()))
        .orElse(config);
  }

  private static BinanceConfig binanceVenue(Properties p, LiveConfig.Venue venue) {
    return switch (venue) {
      case MAINNET -> BinanceConfig.mainnet();
      case TESTNET -> BinanceConfig.testnet();
      case DEMO ->
          BinanceConfig.of(
              URI.create("https://demo-fapi.binance.com"),
              URI.create("wss://demo-fstream.binance.com/market"),
              URI.create("wss://demo-fstream.binance.com/private"));
      case CUSTOM ->
          BinanceConfig.of(
              url(p, "binance.restUrl", "https"),
              url(p, "binance.marketStreamUrl", "wss"),
              url(p, "binance.privateStreamUrl", "wss"));
    };
  }

  static URI url(Properties p, String field, String scheme) {
    String value =
        required(p, field, "environment=custom needs " + field + "=" + scheme + "://host[:port]");
    try {
      URI uri = new URI(value);
      String s = uri.getScheme();
      if (s == null || uri.getHost() == null || !s.startsWith(scheme.substring(0, 2))) {
        throw new URISyntaxException(value, "expected " + scheme + "://host[:port]");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(
          field, "not a URL: " + value, "write it as " + scheme + "://host[:port][/path]");
    }
  }

  private static Map<Symbol, TradingSettings.SymbolSettings> symbols(Properties p) {
    Map<Symbol, TradingSettings.SymbolSettings> symbols = new LinkedHashMap<>();
    for (Symbol symbol : symbolList(p)) {
      symbols.put(symbol, symbolSettings(p, symbol.value()));
    }
    return symbols;
  }

  /** The listed symbols, in order, at least one. */
  static List<Symbol> symbolList(Properties p) {
    String list = required(p, "symbols", "list the symbols to trade, e.g. symbols=BTCUSDT,ETHUSDT");
    List<Symbol> symbols = new ArrayList<>();
    for (String raw : list.split(",")) {
      String name = raw.strip();
      if (name.isEmpty()) {
        continue;
      }
      try {
        symbols.add(Symbol.of(name));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("symbols", e.getMessage(), "use exchange symbols like BTCUSDT");
      }
    }
    if (symbols.isEmpty()) {
      throw new ConfigException("symbols", "empty", "list at least one symbol, e.g. BTCUSDT");
    }
    return symbols;
  }

  private static TradingSettings.SymbolSettings symbolSettings(Properties p, String name) {
    String leverageField = "symbol." + name + ".leverage";
    String text = required(p, leverageField, "set " + leverageField + "=<1..125>");
    int leverage;
    try {
      leverage = Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(leverageField, "not a number: " + text, "a whole number 1..125");
    }
    if (leverage < 1 || leverage > 125) {
      throw new ConfigException(leverageField, "out of range: " + leverage, "a number 1..125");
    }
    String marginField = "symbol." + name + ".marginType";
    String margin = p.getProperty(marginField, "ISOLATED").strip().toUpperCase(Locale.ROOT);
    try {
      return new TradingSettings.SymbolSettings(
          leverage, TradingSettings.MarginType.valueOf(margin));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          marginField, "unknown margin type " + margin, "set ISOLATED or CROSSED");
    }
  }

  private static String databaseUrl(Properties p) {
    String url =
        required(p, "database.url", "set database.url=jdbc:postgresql://host:5432/database");
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new ConfigException(
          "database.url",
          "not a PostgreSQL JDBC URL: " + url,
          "write it as jdbc:postgresql://host:5432/database");
    }
    return url;
  }

  private static LiveConfig.SignalInput signals(Properties p) {
    String value = p.getProperty("signals", "database").strip();
    if (value.equals("database")) {
      return new LiveConfig.SignalInput.Database();
    }
    if (value.equals("stdin")) {
      return new LiveConfig.SignalInput.Stdin();
    }
    if (value.startsWith("file:") && value.length() > "file:".length()) {
      Path file = Path.of(value.substring("file:".length()));
      if (!java.nio.file.Files.isReadable(file)) {
        throw new ConfigException(
            "signals",
            "cannot read the signal file " + file.toAbsolutePath(),
            "point signals=file:<path> at a readable JSON-lines file");
      }
      return new LiveConfig.SignalInput.File(file);
    }
    throw new ConfigException(
        "signals",
        "unknown source \"" + value + "\"",
        "set signals=database, stdin or file:<path>");
  }

  static String required(Properties p, String field, String fix) {
    String value = p.getProperty(field);
    if (value == null || value.isBlank()) {
      throw new ConfigException(field, "missing", fix);
    }
    return value.strip();
  }
}
