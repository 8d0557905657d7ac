package io.positionkeeper.binance;

import static io.positionkeeper.binance.RecordingListener.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.StreamEvent.MarkPriceChanged;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The keyless mark-price feed against the emulator's public market stream. */
class BinanceMarkPriceFeedTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Symbol ETH = Symbol.of("ETHUSDT");

  private final BinanceEmulator venue = BinanceEmulator.start();
  private final List<MarkPriceChanged> marks = new CopyOnWriteArrayList<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private BinanceMarkPriceFeed feed;

  @AfterEach
  void close() {
    if (feed != null) {
      feed.close();
    }
    venue.close();
  }

  private void open(Set<Symbol> symbols) {
    feed =
        BinanceMarkPriceFeed.open(
            venue.marketStreamUrl(), symbols, Clock.system(), marks::add, problems::add);
    awaitTrue(
        "the feed subscribed", () -> venue.marketSubscriptions().contains("btcusdt@markPrice@1s"));
  }

  @Test
  void deliversTheWatchedSymbolsMarks_withoutAKeyOrARestCall() {
    open(Set.of(BTC));

    venue.setMarkPrice(ETH, new BigDecimal("3000"));
    venue.setMarkPrice(BTC, new BigDecimal("64000.5"));
    awaitTrue("a mark delivered", () -> !marks.isEmpty());

    assertThat(marks)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.symbol()).isEqualTo(BTC);
              assertThat(m.markPrice()).isEqualByComparingTo("64000.5");
            });
    assertThat(venue.requests()).as("no REST call, so no key").isEmpty();
    assertThat(venue.openedStreams())
        .singleElement()
        .isEqualTo("/market/stream?streams=btcusdt@markPrice@1s");
  }

  @Test
  void anUnreadableFrame_isReported_andLaterMarksStillArrive() {
    open(Set.of(BTC));

    venue.sendRawMarketFrame(
        "{\"stream\":\"btcusdt@markPrice@1s\",\"data\":{\"e\":\"markPriceUpdate\"");
    venue.setMarkPrice(BTC, new BigDecimal("64100"));
    awaitTrue("a mark delivered", () -> !marks.isEmpty());

    assertThat(problems).singleElement().asString().contains("unreadable mark-price frame");
    assertThat(marks.get(0).markPrice()).isEqualByComparingTo("64100");
  }

  @Test
  void aDroppedConnection_isReconnected_andMarksResume() {
    open(Set.of(BTC));
    venue.dropStreams();
    awaitTrue(
        "the feed reconnected",
        () -> venue.openedStreams().size() == 2 && venue.marketConnections() == 1);
    awaitTrue(
        "the feed subscribed", () -> venue.marketSubscriptions().contains("btcusdt@markPrice@1s"));

    venue.setMarkPrice(BTC, new BigDecimal("64200"));
    awaitTrue("a mark delivered", () -> !marks.isEmpty());

    assertThat(marks.get(0).markPrice()).isEqualByComparingTo("64200");
  }
}
