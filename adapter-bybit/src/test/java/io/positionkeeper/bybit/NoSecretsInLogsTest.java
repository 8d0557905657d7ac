package io.positionkeeper.bybit;

import static io.positionkeeper.bybit.RecordingListener.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Drives signed calls, refusals, clock resyncs, ambiguous answers, rate limits and stream
 * reconnects with a refused auth, every adapter logger at DEBUG, and proves that no log line and no
 * exception message carries the API key, the secret or a signature.
 */
class NoSecretsInLogsTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Logger adapterLogger = (Logger) LoggerFactory.getLogger("io.positionkeeper.bybit");
  private final List<Throwable> thrown = new ArrayList<>();
  private Level previous;
  private BybitEmulator venue;

  @BeforeEach
  void capture() {
    previous = adapterLogger.getLevel();
    adapterLogger.setLevel(Level.DEBUG);
    captured.start();
    adapterLogger.addAppender(captured);
    venue = BybitEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("64000"));
  }

  @AfterEach
  void release() {
    adapterLogger.detachAppender(captured);
    adapterLogger.setLevel(previous);
    venue.close();
  }

  private void attempt(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      thrown.add(e);
    }
  }

  private static MarketOrderRequest buy(String id) {
    return new MarketOrderRequest(
        BTC, Side.BUY, new BigDecimal("0.010"), ClientOrderId.of(id), false);
  }

  @Test
  void signedCallsErrorsAndStreams_logNoKeySecretOrSignature() throws Exception {
    RecordingListener listener = new RecordingListener();
    try (BybitAdapter adapter = BybitAdapter.create(venue.config(), venue.credentials())) {
      BybitGateway g = adapter.gateway();
      attempt(() -> g.placeMarketOrder(buy("s-1")));
      attempt(
          () ->
              g.placeStopLoss(
                  new StopLossRequest(
                      BTC, PositionSide.LONG, new BigDecimal("70000"), ClientOrderId.of("s-sl"))));
      venue.faults().skewClock(-30_000);
      attempt(g::positions);
      venue.faults().skewClock(0);
      venue.faults().rateLimitNext(1, 100);
      attempt(() -> g.placeMarketOrder(buy("s-2")));
      venue.faults().ambiguousNextWrite(Duration.ZERO);
      attempt(() -> g.placeMarketOrder(buy("s-3")));
      venue.faults().ipBanNext(1);
      attempt(g::positions);
      venue.faults().rejectNextOrder(10004, "error sign!");
      attempt(() -> g.placeMarketOrder(buy("s-4")));
      attempt(() -> g.instrument(Symbol.of("NOSUCHUSDT")));

      venue.faults().refuseAuth(true);
      adapter.streams().start(listener);
      // A second private connection: the first one's login was refused, and its log lines are in.
      awaitTrue("a login refused", () -> venue.privateConnectionsOpened() >= 2);
      venue.faults().refuseAuth(false);
      listener.await(
          StreamEvent.ConnectionChanged.class, c -> c.state() == ConnectionState.RESYNCED);
      venue.dropStreams();
      listener.await(
          StreamEvent.ConnectionChanged.class, c -> c.state() == ConnectionState.DISCONNECTED);
    }

    assertThat(thrown).hasSizeGreaterThanOrEqualTo(6);
    assertThat(captured.list).isNotEmpty();
    List<String> texts = new ArrayList<>();
    captured.list.forEach(
        e -> {
          texts.add(e.getFormattedMessage());
          for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            texts.add(String.valueOf(t.getMessage()));
          }
        });
    thrown.forEach(
        t -> {
          for (Throwable c = t; c != null; c = c.getCause()) {
            texts.add(String.valueOf(c.getMessage()));
            texts.add(c.toString());
          }
        });
    for (String text : texts) {
      assertThat(text).doesNotContain(venue.apiKey()).doesNotContain(venue.apiSecret());
      assertThat(HEX64.matcher(text).find()).as("a signature in: " + text).isFalse();
    }
  }
}
