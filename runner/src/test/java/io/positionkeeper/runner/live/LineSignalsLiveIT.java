package io.positionkeeper.runner.live;

import static io.positionkeeper.runner.live.LiveFixture.await;
import static io.positionkeeper.runner.live.LiveFixture.runInBackground;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Live signals from a JSON-lines file: bad lines refused by number, later lines still opened. */
class LineSignalsLiveIT {
  private static final String LINE =
      "{\"id\":\"%s\",\"symbol\":\"BTCUSDT\",\"side\":\"%s\",\"size\":\"1000\","
          + "\"sizeUnit\":\"QUOTE\",\"stopLossPercent\":\"2\",\"activationPercent\":\"1.5\","
          + "\"callbackPercent\":\"0.5\"}";

  @TempDir Path home;
  private LiveFixture live;
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(LineSignalInput.class);

  @BeforeEach
  void start() {
    live = new LiveFixture(home);
    captured.start();
    logger.addAppender(captured);
    logger.setLevel(Level.INFO);
  }

  @AfterEach
  void close() {
    logger.detachAppender(captured);
    logger.setLevel(null);
    live.close();
  }

  @Test
  void badLinesAreRefusedWithTheirNumber_laterLinesOpen_andARereadOpensNothingTwice()
      throws Exception {
    Path file =
        Files.write(
            home.resolve("signals.jsonl"),
            List.of(
                "# signals of the day",
                "{not json",
                LINE.formatted("s-1", "SIDEWAYS"),
                LINE.formatted("s-2", "LONG")));
    LiveConfig.SignalInput input = new LiveConfig.SignalInput.File(file);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    LiveSession first = live.session(input);
    Thread runner = runInBackground(first, failure);
    await(
        "the good line opened",
        () ->
            "ACTIVE".equals(live.one("SELECT status FROM monitoring.positions"))
                && live.venue.openAlgoCount("BTCUSDT") == 1,
        failure);
    first.stop();
    runner.join(Duration.ofSeconds(30).toMillis());
    assertThat(failure.get()).isNull();

    assertThat(messages())
        .anySatisfy(m -> assertThat(m).contains("line 2 refused", "not JSON", "{not json"))
        .anySatisfy(m -> assertThat(m).contains("line 3 refused", "field \"side\"", "SIDEWAYS"))
        .anySatisfy(m -> assertThat(m).contains("line 4: opened"));

    // While no runner runs, the stop closes the position. A restart reads the file again: the
    // symbol is free, but the line's intent already sent its entry order, so nothing is sent.
    live.venue.setMarkPrice(LiveFixture.BTC, new java.math.BigDecimal("62000"));
    assertThat(live.venue.positionAmount("BTCUSDT")).isZero();
    int orders = live.venue.orderCount();
    captured.list.clear();
    LiveSession second = live.session(input);
    Thread again = runInBackground(second, failure);
    await(
        "line 4 read again",
        () -> messages().stream().anyMatch(m -> m.contains("line 4 refused")),
        failure);
    assertThat(messages())
        .anySatisfy(m -> assertThat(m).contains("line 4 refused", "one entry order per intent"));
    second.stop();
    again.join(Duration.ofSeconds(30).toMillis());

    assertThat(failure.get()).isNull();
    assertThat(live.venue.orderCount()).isEqualTo(orders);
    assertThat(live.one("SELECT count(*) FROM monitoring.positions")).isEqualTo("1");
    assertThat(live.one("SELECT status FROM monitoring.positions")).isEqualTo("CLOSED");
  }

  private List<String> messages() {
    // The appender adds under its own lock while the runner logs; copy under it too.
    List<ILoggingEvent> events;
    synchronized (captured) {
      events = List.copyOf(captured.list);
    }
    return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
