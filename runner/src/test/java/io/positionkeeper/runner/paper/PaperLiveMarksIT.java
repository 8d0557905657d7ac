package io.positionkeeper.runner.paper;

import static org.assertj.core.api.Assertions.assertThat;

import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.ports.fake.ManualClock;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paper on live prices: mark prices from the emulator's public mark-price stream (as from
 * Binance's, without a key), orders on the in-memory venue, the real keeper and PostgreSQL between.
 */
class PaperLiveMarksIT {
  private static final Symbol BTC = Symbol.of("BTCUSDT");

  @TempDir Path home;

  @Test
  void liveMarks_trailAndClosePaperPositions_withoutAnyRequestToTheVenue() throws Exception {
    ManualClock venueTime = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    try (BinanceEmulator venue = BinanceEmulator.start(venueTime)) {
      Path signals = home.resolve("signals.jsonl");
      Files.writeString(
          signals,
          "{\"at\":\"2026-01-01T00:00:00Z\",\"symbol\":\"BTCUSDT\",\"side\":\"LONG\","
              + "\"size\":\"1000\",\"sizeUnit\":\"QUOTE\",\"stopLossPercent\":\"2\","
              + "\"activationPercent\":\"1\",\"callbackPercent\":\"0.5\"}\n");
      PaperOptions options =
          new PaperOptions(
              home,
              true,
              Optional.empty(),
              Optional.of(signals),
              Optional.of(venue.marketStreamUrl()),
              Duration.ofMinutes(2));
      List<String> statuses = new CopyOnWriteArrayList<>();
      PaperSession session = new PaperSession(options, recording(statuses));
      AtomicReference<Object> result = new AtomicReference<>();
      Thread runner =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      result.set(session.run());
                    } catch (Throwable e) {
                      result.set(e);
                    }
                  });
      await(() -> venue.marketSubscriptions().contains("btcusdt@markPrice@1s"), result);

      for (String mark : List.of("64000", "64300", "65000", "65200", "64500")) {
        venue.setMarkPrice(BTC, new BigDecimal(mark));
        venueTime.advance(Duration.ofMinutes(1));
      }
      await(() -> statuses.stream().anyMatch(s -> s.startsWith("2026-03-01T10:04:00Z")), result);
      session.stop();
      runner.join(Duration.ofSeconds(60).toMillis());

      assertThat(result.get()).isInstanceOf(PaperSummary.class);
      PaperSummary summary = (PaperSummary) result.get();
      assertThat(summary.positions())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.symbol()).isEqualTo("BTCUSDT");
                assertThat(r.status()).isEqualTo("CLOSED");
                assertThat(r.closeReason()).isEqualTo("TRAILING_STOP");
                assertThat(r.entry()).isEqualByComparingTo("64000");
              });
      assertThat(summary.stopMoves()).isPositive();
      assertThat(summary.simulated()).isEqualTo(Duration.ofMinutes(4));
      assertThat(venue.requests()).as("no REST call: no key, no order on Binance").isEmpty();
      assertThat(venue.orderCount()).isZero();
    }
  }

  private static Progress recording(List<String> statuses) {
    return new Progress() {
      @Override
      public void update(long done, long total, String status) {
        statuses.add(status);
      }

      @Override
      public void finish() {}
    };
  }

  private static void await(BooleanSupplier condition, AtomicReference<Object> result)
      throws InterruptedException {
    Instant until = Instant.now().plusSeconds(60);
    while (!condition.getAsBoolean()) {
      if (result.get() instanceof Throwable t) {
        throw new AssertionError("the paper session ended early", t);
      }
      assertThat(Instant.now()).as("condition met in time").isBefore(until);
      Thread.sleep(20);
    }
  }
}
