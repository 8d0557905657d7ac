package io.positionkeeper.bybit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.ports.model.Symbol;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BybitConfigTest {
  @Test
  void theNamedNetworks_pointAtTheirHosts() {
    assertThat(BybitConfig.mainnet().build().restBaseUrl()).hasHost("api.bybit.com");
    assertThat(BybitConfig.testnet().build().privateStreamUrl())
        .isEqualTo(URI.create("wss://stream-testnet.bybit.com/v5/private"));
    BybitConfig demo = BybitConfig.demo().build();
    assertThat(demo.restBaseUrl()).hasHost("api-demo.bybit.com");
    assertThat(demo.privateStreamUrl()).hasHost("stream-demo.bybit.com");
    assertThat(demo.publicStreamUrl()).hasHost("stream.bybit.com"); // demo has no public stream
    assertThat(demo.network()).isEqualTo(BybitConfig.Network.DEMO);
  }

  @Test
  void defaults_areTheVenuesRecommendations() {
    BybitConfig c = BybitConfig.mainnet().build();
    assertThat(c.recvWindow()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.leverage()).isEmpty();
  }

  @Test
  void aCustomVenue_andItsValuesAreChecked() {
    var b =
        BybitConfig.custom(
            BybitConfig.Network.TESTNET,
            URI.create("http://127.0.0.1:1"),
            URI.create("ws://127.0.0.1:2/v5/public/linear"),
            URI.create("ws://127.0.0.1:2/v5/private"));
    assertThat(b.recvWindow(Duration.ofSeconds(15)).build().recvWindow())
        .isEqualTo(Duration.ofSeconds(15));
    assertThatThrownBy(() -> b.recvWindow(Duration.ZERO).build())
        .hasMessageContaining("recvWindow");
    assertThatThrownBy(() -> b.recvWindow(Duration.ofSeconds(5)).leverage(0).build())
        .hasMessageContaining("leverage");
    assertThatThrownBy(
            () ->
                BybitConfig.custom(
                        BybitConfig.Network.MAINNET,
                        URI.create("ftp://x"),
                        URI.create("ws://x/a"),
                        URI.create("ws://x/b"))
                    .build())
        .hasMessageContaining("restBaseUrl");
  }

  @Test
  void aSymbolsOwnLeverage_winsOverTheDefault_andIsChecked() {
    Symbol btc = Symbol.of("BTCUSDT");
    BybitConfig c = BybitConfig.testnet().leverage(3).leverage(btc, 7).build();

    assertThat(c.leverageFor(btc)).hasValue(7);
    assertThat(c.leverageFor(Symbol.of("ETHUSDT"))).hasValue(3);
    assertThat(BybitConfig.testnet().build().leverageFor(btc)).isEmpty();
    assertThat(c.toBuilder().build().leverageFor(btc)).hasValue(7);
    assertThatThrownBy(() -> BybitConfig.testnet().leverage(btc, 201).build())
        .hasMessageContaining("leverage of BTCUSDT must be 1..200, was 201");
  }
}
