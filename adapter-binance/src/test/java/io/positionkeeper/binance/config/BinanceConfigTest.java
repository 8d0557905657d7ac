package io.positionkeeper.binance.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BinanceConfigTest {

  @Test
  void mainnetAndTestnet_useTheRoutedStreamPaths() {
    assertThat(BinanceConfig.mainnet().marketStreamUrl().toString())
        .isEqualTo("wss://fstream.binance.com/market");
    assertThat(BinanceConfig.mainnet().privateStreamUrl().toString())
        .isEqualTo("wss://fstream.binance.com/private");
    assertThat(BinanceConfig.mainnet().restBaseUrl().toString())
        .isEqualTo("https://fapi.binance.com");
    assertThat(BinanceConfig.testnet().restBaseUrl().toString())
        .isEqualTo("https://testnet.binancefuture.com");
    assertThat(BinanceConfig.mainnet().listenKeyKeepAlive()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void impossibleSettings_areRefusedWithTheirName() {
    BinanceConfig c = BinanceConfig.mainnet();
    assertThatThrownBy(
            () ->
                c.withStreamTimings(
                    Duration.ofMinutes(61),
                    Duration.ofHours(1),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1)))
        .hasMessageContaining("listenKeyKeepAlive");
    assertThatThrownBy(
            () ->
                c.withStreamTimings(
                    Duration.ofMinutes(30),
                    Duration.ofHours(24),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1)))
        .hasMessageContaining("maxConnectionAge");
    assertThatThrownBy(
            () ->
                c.withStreamTimings(
                    Duration.ofMinutes(30),
                    Duration.ofHours(1),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(1)))
        .hasMessageContaining("stallTimeout");
    assertThatThrownBy(
            () ->
                BinanceConfig.of(
                    URI.create("ftp://x"),
                    URI.create("ws://x/market"),
                    URI.create("ws://x/private")))
        .hasMessageContaining("restBaseUrl");
    assertThatThrownBy(
            () ->
                BinanceConfig.of(
                    URI.create("http://x"),
                    URI.create("ws://x/market?a=1"),
                    URI.create("ws://x/private")))
        .hasMessageContaining("marketStreamUrl");
  }
}
