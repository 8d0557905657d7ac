package io.positionkeeper.runner.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.runner.campaign.Mutations;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The signal line reader under seeded mutations of good lines (campaign scenario 20 on the signal
 * input): truncated, NaN, 1e400, wrong types, dropped fields, huge lines. Every line is an intent
 * or an {@link IllegalArgumentException} naming what is wrong, which the input reports and skips;
 * any other exception would end the reader and the signals after it.
 */
class LineSignalsFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20261205L);
  private static final List<String> GOOD =
      List.of(
          "{\"id\":\"tv-0001\",\"symbol\":\"BTCUSDT\",\"side\":\"LONG\",\"size\":\"1000\","
              + "\"sizeUnit\":\"QUOTE\",\"stopLossPercent\":\"2\",\"activationPercent\":\"1.5\","
              + "\"callbackPercent\":\"0.5\"}",
          "{\"id\":\"tv-0002\",\"exchange\":\"binance\",\"symbol\":\"ETHUSDT\",\"side\":\"short\","
              + "\"size\":0.5,\"sizeUnit\":\"BASE\",\"stopLossPercent\":3,"
              + "\"activationPercent\":0,\"callbackPercent\":1}");

  private final LineSignals signals = new LineSignals(Exchange.BINANCE);

  @Test
  void mutatedLines_areIntentsOrRefusalsThatSayWhy() {
    SplittableRandom random = new SplittableRandom(SEED);
    List<String> escaped = new ArrayList<>();
    int refused = 0;
    for (int i = 0; i < 3_000; i++) {
      String line = Mutations.mutate(GOOD.get(i % GOOD.size()), random);
      try {
        signals.parse(line);
      } catch (IllegalArgumentException e) {
        assertThat(e.getMessage()).as("a refusal says what is wrong").isNotBlank();
        refused++;
      } catch (RuntimeException | StackOverflowError e) {
        escaped.add(e + " on: " + (line.length() > 300 ? line.substring(0, 300) + "..." : line));
      }
    }
    assertThat(escaped).as("exceptions the line input would not survive (seed %d)", SEED).isEmpty();
    assertThat(refused).as("the mutations do damage").isGreaterThan(1_000);
  }
}
