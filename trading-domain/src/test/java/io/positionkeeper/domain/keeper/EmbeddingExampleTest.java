package io.positionkeeper.domain.keeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.domain.open.OpenIntent;
import io.positionkeeper.domain.open.OpenResult;
import io.positionkeeper.domain.trailing.TrailingParams;
import io.positionkeeper.ports.fake.FakeExchange;
import io.positionkeeper.ports.fake.InMemoryAuditJournal;
import io.positionkeeper.ports.fake.InMemoryPositionStore;
import io.positionkeeper.ports.fake.InMemoryTrailingStopStore;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.Exchange;
import io.positionkeeper.ports.model.InstrumentRules;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.SizeUnit;
import io.positionkeeper.ports.model.Symbol;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The README's embedding example, run as it is printed there: a bot opens a position on the fakes
 * and the keeper trails it. The second test keeps the README's copy equal to this one.
 */
class EmbeddingExampleTest {
  private static final Path SOURCE =
      Path.of("src/test/java/io/positionkeeper/domain/keeper/EmbeddingExampleTest.java");
  private static final Path README = Path.of("../README.md");

  @Test
  void theReadmeExample_opensAPositionOnTheFakes_andTrailsIt() {
    var clock = ManualClock.atDefaultStart();
    var venue = new FakeExchange(Exchange.BINANCE, clock);
    var btc = Symbol.of("BTCUSDT");
    venue.addInstrument(
        new InstrumentRules(
            btc,
            new BigDecimal("0.1"),
            new BigDecimal("0.001"),
            new BigDecimal("0.001"),
            new BigDecimal("120"),
            new BigDecimal("100")));
    venue.setMarkPrice(btc, new BigDecimal("64000"));
    // README:begin
    var journal = new InMemoryAuditJournal();
    var keeper =
        Keeper.builder(clock, new InMemoryPositionStore(journal), new InMemoryTrailingStopStore())
            .venue(venue, venue)
            .audit(record -> journal.append(List.of(record)))
            .io(Runnable::run)
            .build();
    keeper.start();
    var trailing = new TrailingParams(new BigDecimal("1.5"), new BigDecimal("0.5"));
    OpenResult result =
        keeper.open(
            new OpenIntent(
                Exchange.BINANCE,
                btc,
                PositionSide.LONG,
                new BigDecimal("1000"),
                SizeUnit.QUOTE,
                new BigDecimal("2"),
                trailing,
                Optional.empty(),
                "signal-42"));
    clock.advance(Duration.ofSeconds(1));
    venue.setMarkPrice(btc, new BigDecimal("65000")); // past the activation: the stop trails up
    // README:end

    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    assertThat(venue.workingStops(btc))
        .singleElement()
        .satisfies(s -> assertThat(s.triggerPrice()).isEqualByComparingTo("64675"));
  }

  @Test
  void theReadmeShowsExactlyThisExample() throws IOException {
    assertThat(block(Files.readString(README))).isEqualTo(block(Files.readString(SOURCE)));
  }

  /** The lines between the markers, each stripped of its indentation. */
  private static List<String> block(String text) {
    List<String> lines = text.lines().map(String::strip).toList();
    int begin = lines.indexOf("// README:begin");
    int end = lines.indexOf("// README:end");
    assertThat(begin).as("README:begin marker").isNotNegative();
    assertThat(end).as("README:end marker").isGreaterThan(begin);
    return lines.subList(begin + 1, end);
  }
}
