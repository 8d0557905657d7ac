package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live signals as JSON lines: what a line must hold, and how a bad one is named. */
class LineSignalsTest {
  private static final String GOOD =
      "{\"id\":\"tv-0001\",\"symbol\":\"BTCUSDT\",\"side\":\"LONG\",\"size\":\"1000\","
          + "\"sizeUnit\":\"QUOTE\",\"stopLossPercent\":\"2\",\"activationPercent\":\"1.5\","
          + "\"callbackPercent\":\"0.5\"}";

  private final LineSignals signals = new LineSignals(Exchange.BINANCE);

  @TempDir Path dir;

  @Test
  void aGoodLine_isAnIntentNamedByItsId() {
    OpenIntent intent = signals.parse(GOOD);

    assertThat(intent.exchange()).isEqualTo(Exchange.BINANCE);
    assertThat(intent.symbol()).isEqualTo(Symbol.of("BTCUSDT"));
    assertThat(intent.side()).isEqualTo(PositionSide.LONG);
    assertThat(intent.size()).isEqualByComparingTo("1000");
    assertThat(intent.sizeUnit()).isEqualTo(SizeUnit.QUOTE);
    assertThat(intent.intentId()).isEqualTo("line-tv-0001");
    assertThat(signals.parse(GOOD).intentId())
        .as("the same line read again is the same intent")
        .isEqualTo(intent.intentId());
  }

  @Test
  void badLines_nameTheFieldAndWhy() {
    assertRefused("{\"id\":\"a\"", "not JSON");
    assertRefused("[1,2]", "not a JSON object");
    assertRefused(GOOD.replace("\"id\":\"tv-0001\",", ""), "missing field \"id\"");
    assertRefused(GOOD.replace("tv-0001", "has space"), "field \"id\"");
    assertRefused(GOOD.replace("LONG", "UP"), "field \"side\": \"UP\" is not one of [LONG, SHORT]");
    assertRefused(GOOD.replace("\"1000\"", "\"lots\""), "field \"size\": not a number");
    assertRefused(GOOD.replace("\"2\"", "\"0\""), "stop-loss percent must be in (0, 100)");
    assertRefused(
        GOOD.replace("{", "{\"exchange\":\"BYBIT\","), "this runner trades on BINANCE, not BYBIT");
  }

  @Test
  void theConfiguration_refusesAnUnreadableSignalFile_andAcceptsFileAndStdin() throws IOException {
    Properties p = example();
    p.setProperty("signals", "file:" + dir.resolve("missing.jsonl"));
    assertThatThrownBy(() -> LiveConfigReader.read(p))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.field()).isEqualTo("signals"))
        .hasMessageContaining("cannot read the signal file")
        .hasMessageContaining("Fix: point signals=file:<path> at a readable JSON-lines file");

    Path file = Files.writeString(dir.resolve("signals.jsonl"), GOOD + "\n");
    p.setProperty("signals", "file:" + file);
    assertThat(LiveConfigReader.read(p).signals()).isEqualTo(new LiveConfig.SignalInput.File(file));
    p.setProperty("signals", "stdin");
    assertThat(LiveConfigReader.read(p).signals()).isEqualTo(new LiveConfig.SignalInput.Stdin());
  }

  private void assertRefused(String line, String reason) {
    assertThatThrownBy(() -> signals.parse(line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  private static Properties example() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of("live.example.properties"))) {
      p.load(r);
    }
    return p;
  }
}
