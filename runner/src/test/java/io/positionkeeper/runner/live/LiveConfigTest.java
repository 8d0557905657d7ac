package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.binance.config.TradingSettings;
import io.positionkeeper.ports.model.Symbol;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A bad live configuration is refused before any connection, naming the field and the fix. */
class LiveConfigTest {
  private static final Path EXAMPLE = Path.of("live.example.properties");

  @Test
  void theExampleFile_isAValidConfiguration() throws IOException {
    LiveConfig config = LiveConfigReader.read(example());

    assertThat(config.venue()).isEqualTo(LiveConfig.Venue.TESTNET);
    ExchangeSettings.Binance binance = (ExchangeSettings.Binance) config.exchange();
    assertThat(binance.config().restBaseUrl().getHost()).isEqualTo("testnet.binancefuture.com");
    assertThat(binance.settings())
        .containsEntry(
            Symbol.of("BTCUSDT"),
            new TradingSettings.SymbolSettings(5, TradingSettings.MarginType.ISOLATED))
        .containsEntry(
            Symbol.of("ETHUSDT"),
            new TradingSettings.SymbolSettings(3, TradingSettings.MarginType.ISOLATED));
    assertThat(config.signals()).isEqualTo(new LiveConfig.SignalInput.Database());
  }

  @Test
  void aMissingField_isNamedWithItsFix() throws IOException {
    Properties p = example();
    p.remove("database.url");

    assertRefused(p, "database.url", "jdbc:postgresql://host:5432/database");
  }

  @Test
  void leverageOutOfRange_isNamedPerSymbol() throws IOException {
    Properties p = example();
    p.setProperty("symbol.ETHUSDT.leverage", "200");

    assertRefused(p, "symbol.ETHUSDT.leverage", "1..125");
  }

  @Test
  void aSymbolWithoutLeverage_isRefused() throws IOException {
    Properties p = example();
    p.setProperty("symbols", "BTCUSDT,SOLUSDT");

    assertRefused(p, "symbol.SOLUSDT.leverage", "symbol.SOLUSDT.leverage=<1..125>");
  }

  @Test
  void anUnknownEnvironment_isRefused() throws IOException {
    Properties p = example();
    p.setProperty("environment", "prod");

    assertRefused(p, "environment", "testnet|demo|mainnet|custom");
  }

  @Test
  void customEnvironment_needsItsUrls_andUsesThem() throws IOException {
    Properties p = example();
    p.setProperty("environment", "custom");
    assertRefused(p, "binance.restUrl", "environment=custom needs binance.restUrl");

    p.setProperty("binance.restUrl", "http://127.0.0.1:9000");
    p.setProperty("binance.marketStreamUrl", "ws://127.0.0.1:9000/market");
    p.setProperty("binance.privateStreamUrl", "ws://127.0.0.1:9000/private");
    assertThat(LiveConfigReader.read(p).exchange())
        .isInstanceOfSatisfying(
            ExchangeSettings.Binance.class,
            b -> assertThat(b.config().restBaseUrl().getPort()).isEqualTo(9000));
  }

  @Test
  void aSecretInTheFile_isRefusedWithoutEchoingIt() throws IOException {
    Properties p = example();
    p.setProperty("binance.apiSecret", "s3cr3t-value-never-echoed");

    assertThatThrownBy(() -> LiveConfigReader.read(p))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("binance.apiSecret")
        .hasMessageContaining("environment variable")
        .hasMessageNotContaining("s3cr3t-value-never-echoed");
  }

  @Test
  void anUnknownSignalSource_isRefused() throws IOException {
    Properties p = example();
    p.setProperty("signals", "kafka");

    assertRefused(p, "signals", "database, stdin or file:<path>");
  }

  private static void assertRefused(Properties p, String field, String fix) {
    assertThatThrownBy(() -> LiveConfigReader.read(p))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith(field + ": ")
        .hasMessageContaining(fix);
  }

  private static Properties example() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(EXAMPLE)) {
      p.load(r);
    }
    return p;
  }
}
