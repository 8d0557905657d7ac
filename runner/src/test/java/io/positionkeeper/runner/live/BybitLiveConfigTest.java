package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.bybit.config.BybitConfig;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.Symbol;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code exchange=bybit}: checked before any connection, refusals name the field and the fix. */
class BybitLiveConfigTest {
  private static final Path EXAMPLE = Path.of("live.bybit.example.properties");
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Symbol ETH = Symbol.of("ETHUSDT");

  @Test
  void theBybitExampleFile_isAValidConfiguration_onTestnet() throws IOException {
    LiveConfig config = LiveConfigReader.read(example());

    assertThat(config.exchange().exchange()).isEqualTo(Exchange.BYBIT);
    ExchangeSettings.Bybit bybit = (ExchangeSettings.Bybit) config.exchange();
    assertThat(bybit.config().network()).isEqualTo(BybitConfig.Network.TESTNET);
    assertThat(bybit.config().restBaseUrl()).hasHost("api-testnet.bybit.com");
    assertThat(bybit.symbols()).containsExactlyInAnyOrder(BTC, ETH);
    assertThat(bybit.config().leverageFor(BTC)).hasValue(5);
    assertThat(bybit.config().leverageFor(ETH)).hasValue(3);
  }

  @Test
  void eachEnvironment_pointsAtItsHostsAndItsKeys() throws IOException {
    Map<String, String> hosts =
        Map.of(
            "mainnet",
            "api.bybit.com",
            "demo",
            "api-demo.bybit.com",
            "testnet",
            "api-testnet.bybit.com");
    for (var e : hosts.entrySet()) {
      Properties p = example();
      p.setProperty("environment", e.getKey());
      BybitConfig config = bybit(p);
      assertThat(config.restBaseUrl()).as(e.getKey()).hasHost(e.getValue());
      assertThat(config.network().name()).isEqualToIgnoringCase(e.getKey());
    }
  }

  @Test
  void customEnvironment_needsItsUrls_usesThem_andMainnetKeysUnlessTold() throws IOException {
    Properties p = example();
    p.setProperty("environment", "custom");
    assertRefused(p, "bybit.restUrl", "environment=custom needs bybit.restUrl");

    p.setProperty("bybit.restUrl", "http://127.0.0.1:9100");
    p.setProperty("bybit.publicStreamUrl", "ws://127.0.0.1:9101/v5/public/linear");
    p.setProperty("bybit.privateStreamUrl", "ws://127.0.0.1:9101/v5/private");
    BybitConfig config = bybit(p);
    assertThat(config.restBaseUrl().getPort()).isEqualTo(9100);
    assertThat(config.network()).isEqualTo(BybitConfig.Network.MAINNET);

    p.setProperty("bybit.keys", "demo");
    assertThat(bybit(p).network()).isEqualTo(BybitConfig.Network.DEMO);

    p.setProperty("bybit.keys", "staging");
    assertRefused(p, "bybit.keys", "bybit.keys=mainnet|testnet|demo");
  }

  @Test
  void aKeySetOutsideCustom_isRefused() throws IOException {
    Properties p = example();
    p.setProperty("bybit.keys", "mainnet");

    assertRefused(p, "bybit.keys", "environment=testnet uses its own");
  }

  @Test
  void leverage_isCheckedPerSymbol_againstBybitsRange() throws IOException {
    Properties p = example();
    p.setProperty("symbol.ETHUSDT.leverage", "150");
    assertThat(bybit(p).leverageFor(ETH)).hasValue(150); // more than Binance's 125

    p.setProperty("symbol.ETHUSDT.leverage", "201");
    assertRefused(p, "symbol.ETHUSDT.leverage", "1..200");

    p.setProperty("symbol.ETHUSDT.leverage", "ten");
    assertRefused(p, "symbol.ETHUSDT.leverage", "a whole number 1..200");

    p.setProperty("symbols", "BTCUSDT,SOLUSDT");
    assertRefused(p, "symbol.SOLUSDT.leverage", "symbol.SOLUSDT.leverage=<1..200>");
  }

  @Test
  void aMarginType_isRefusedOnBybit_sayingWhy() throws IOException {
    Properties p = example();
    p.setProperty("symbol.BTCUSDT.marginType", "ISOLATED");

    assertRefused(p, "symbol.BTCUSDT.marginType", "margin mode in the Bybit account");
  }

  @Test
  void aCustomUrlWithAQuery_isRefusedAsAConfiguration() throws IOException {
    Properties p = example();
    p.setProperty("environment", "custom");
    p.setProperty("bybit.restUrl", "http://127.0.0.1:9100/?x=1");
    p.setProperty("bybit.publicStreamUrl", "ws://127.0.0.1:9101/v5/public/linear");
    p.setProperty("bybit.privateStreamUrl", "ws://127.0.0.1:9101/v5/private");

    assertRefused(p, "bybit", "restBaseUrl must not carry a query");
  }

  @Test
  void anUnknownExchange_namesBothVenues() throws IOException {
    Properties p = example();
    p.setProperty("exchange", "kraken");

    assertRefused(p, "exchange", "exchange=binance or exchange=bybit");
  }

  @Test
  void aBybitSecretInTheFile_isRefusedWithoutEchoingIt() throws IOException {
    Properties p = example();
    p.setProperty("bybit.apiSecret", "bybit-s3cr3t-never-echoed");

    assertThatThrownBy(() -> LiveConfigReader.read(p))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bybit.apiSecret")
        .hasMessageContaining("BYBIT_API_SECRET")
        .hasMessageNotContaining("bybit-s3cr3t-never-echoed");
  }

  @Test
  void missingKeys_stopTheStartNamingTheVariable_beforeAnyConnection() throws IOException {
    LiveConfig config = LiveConfigReader.read(example());

    assertThatThrownBy(() -> LiveVenue.keys(config, Map.of("BYBIT_API_KEY", "mainnet-key")))
        .hasMessageContaining("BYBIT_TESTNET_API_KEY");
    assertThatThrownBy(
            () -> LiveVenue.keys(config, Map.of("BYBIT_TESTNET_API_KEY", "testnet-key-123")))
        .hasMessageContaining("BYBIT_TESTNET_API_SECRET")
        .hasMessageNotContaining("testnet-key-123");
  }

  private static BybitConfig bybit(Properties p) {
    return ((ExchangeSettings.Bybit) LiveConfigReader.read(p).exchange()).config();
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
