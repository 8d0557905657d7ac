package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The streams' ping interval and stall timeout: optional, set together, checked, on both venues.
 */
class StreamTimingsTest {
  @Test
  void unset_eachVenueKeepsItsDefaults() throws IOException {
    ExchangeSettings.Binance binance =
        (ExchangeSettings.Binance) LiveConfigReader.read(binance()).exchange();
    ExchangeSettings.Bybit bybit =
        (ExchangeSettings.Bybit) LiveConfigReader.read(bybit()).exchange();

    assertThat(binance.config().stallTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(bybit.config().stallTimeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void set_bothVenuesUseThem() throws IOException {
    Properties b = withTimings(binance(), "PT2S", "PT6S");
    Properties y = withTimings(bybit(), "PT2S", "PT6S");

    ExchangeSettings.Binance binance =
        (ExchangeSettings.Binance) LiveConfigReader.read(b).exchange();
    ExchangeSettings.Bybit bybit = (ExchangeSettings.Bybit) LiveConfigReader.read(y).exchange();

    assertThat(binance.config().pingInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(binance.config().stallTimeout()).isEqualTo(Duration.ofSeconds(6));
    assertThat(bybit.config().pingInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(bybit.config().stallTimeout()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void oneWithoutTheOther_isRefused() throws IOException {
    Properties p = binance();
    p.setProperty(StreamTimingsReader.PING, "PT5S");

    assertRefused(p, StreamTimingsReader.STALL, "set together");
  }

  @Test
  void aStallTimeoutNotLongerThanThePing_isRefused() throws IOException {
    assertRefused(withTimings(bybit(), "PT20S", "PT20S"), StreamTimingsReader.STALL, "exceed");
  }

  @Test
  void notADuration_orOutOfRange_isRefused() throws IOException {
    assertRefused(withTimings(binance(), "20", "PT60S"), StreamTimingsReader.PING, "PT20S");
    assertRefused(withTimings(binance(), "PT0.5S", "PT60S"), StreamTimingsReader.PING, "PT1S");
    assertRefused(withTimings(binance(), "PT20S", "PT1H"), StreamTimingsReader.STALL, "PT10M");
  }

  private static Properties withTimings(Properties p, String ping, String stall) {
    p.setProperty(StreamTimingsReader.PING, ping);
    p.setProperty(StreamTimingsReader.STALL, stall);
    return p;
  }

  private static void assertRefused(Properties p, String field, String fix) {
    assertThatThrownBy(() -> LiveConfigReader.read(p))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(fix);
  }

  private static Properties binance() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of("live.example.properties"))) {
      p.load(r);
    }
    return p;
  }

  private static Properties bybit() throws IOException {
    Properties p = binance();
    p.setProperty("exchange", "bybit");
    p.remove("symbol.BTCUSDT.marginType");
    return p;
  }
}
