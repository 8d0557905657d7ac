package io.positionkeeper.binance;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.positionkeeper.binance.auth.Credentials;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.MarketOrderRequest;
import io.positionkeeper.ports.model.PositionSide;
import io.positionkeeper.ports.model.Side;
import io.positionkeeper.ports.model.StopLossRequest;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Drives signed calls, refusals, ambiguous failures, retries and stream reconnects with every
 * adapter logger at DEBUG, and proves that no log line and no exception message carries the API
 * key, the secret, a signature, a signed URL or a listen key.
 */
class NoSecretsInLogsTest {
  private static final Symbol BTC = Symbol.of("BTCUSDT");
  private static final Pattern SIGNATURE = Pattern.compile("signature=([0-9a-fA-F]{64})");

  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Logger adapterLogger =
      (Logger) LoggerFactory.getLogger("io.positionkeeper.binance");
  private Level previousLevel;
  private final List<Throwable> thrown = new ArrayList<>();
  private BinanceEmulator venue;

  @BeforeEach
  void capture() {
    previousLevel = adapterLogger.getLevel();
    adapterLogger.setLevel(Level.DEBUG);
    captured.start();
    adapterLogger.addAppender(captured);
    venue = BinanceEmulator.start();
    venue.setMarkPrice(BTC, new BigDecimal("50000.00"));
  }

  @AfterEach
  void release() {
    adapterLogger.detachAppender(captured);
    adapterLogger.setLevel(previousLevel);
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
  void signedCallsErrorsAndStreams_logNoKeySecretSignatureOrListenKey() {
    try (BinanceGateway gateway = new BinanceGateway(venue.config(), venue.credentials());
        BinanceGateway wrongSecret =
            new BinanceGateway(venue.config(), Credentials.of(venue.apiKey(), "wrong-secret"));
        BinanceGateway streamGateway =
            new BinanceGateway(
                venue
                    .config()
                    .withStreamTimings(
                        Duration.ofMillis(100),
                        Duration.ofHours(1),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(90),
                        Duration.ofMillis(20)),
                venue.credentials())) {
      BinanceStreams streams = new BinanceStreams(streamGateway);
      RecordingListener events = new RecordingListener();
      streams.start(events);
      events.awaitState(ConnectionState.RESYNCED, 0);

      attempt(() -> gateway.placeMarketOrder(buy("s-1")));
      attempt(() -> gateway.placeMarketOrder(buy("s-1"))); // -4116, then a query
      attempt(() -> gateway.queryOrder(BTC, ClientOrderId.of("s-none")));
      attempt(gateway::positions);
      attempt(
          () ->
              gateway.moveStopLoss(
                  gateway.placeStopLoss(
                      new StopLossRequest(
                          BTC,
                          PositionSide.LONG,
                          new BigDecimal("49000.0"),
                          ClientOrderId.of("sl-1"))),
                  new StopLossRequest(
                      BTC,
                      PositionSide.LONG,
                      new BigDecimal("49500.0"),
                      ClientOrderId.of("sl-2"))));
      venue.faults().rejectNextOrder(-2019, "Margin is insufficient.");
      attempt(() -> gateway.placeMarketOrder(buy("s-2")));
      venue.faults().timeoutAfterEffect("POST", "/fapi/v1/order");
      attempt(() -> gateway.placeMarketOrder(buy("s-3")));
      venue.faults().serverErrorNext("GET", "/fapi/v3/positionRisk", 1);
      attempt(gateway::positions);
      venue.faults().clockSkew(Duration.ofSeconds(20));
      attempt(() -> gateway.placeMarketOrder(buy("s-4"))); // -1021, resync, retry
      venue.faults().clockSkew(Duration.ZERO);
      attempt(wrongSecret::positions); // -1022
      venue.faults().rateLimitNext("GET", "/fapi/v3/positionRisk", 1, 429, 1);
      attempt(gateway::positions);
      attempt(gateway::positions); // held back locally

      venue.expireListenKey();
      int from = events.size();
      events.awaitState(ConnectionState.RESYNCED, from);
      int beforeGap = events.size();
      venue.sendRawUserFrame("{\"e\":\"ORDER_TRADE_UPDATE\",\"E\":1,\"o\":{\"s\":\"BTCUSDT\"}}");
      events.awaitState(ConnectionState.CONNECTED, beforeGap);
      events.awaitState(ConnectionState.RESYNCED, beforeGap);
      RecordingListener.awaitTrue("keep-alives", () -> venue.listenKeyKeepAlives() >= 1);
      streams.close();
    }

    Set<String> secrets = new LinkedHashSet<>();
    secrets.add(venue.apiKey());
    secrets.add(venue.apiSecret());
    secrets.add("wrong-secret");
    for (BinanceEmulator.RecordedRequest r : venue.requests()) {
      Matcher m = SIGNATURE.matcher(r.rawQuery());
      while (m.find()) {
        secrets.add(m.group(1));
        secrets.add(r.rawQuery()); // the signed URL's query
      }
    }
    for (String resource : venue.openedStreams()) {
      if (resource.startsWith("/private/ws/")) {
        secrets.add(resource.substring("/private/ws/".length()));
      }
    }
    assertThat(secrets).hasSizeGreaterThan(10); // the run really signed things and used keys

    List<ILoggingEvent> events;
    // Stream threads may still be logging: copy under the appender's lock (its doAppend holds it).
    synchronized (captured) {
      events = new ArrayList<>(captured.list);
    }
    List<String> texts = new ArrayList<>();
    for (ILoggingEvent e : events) {
      texts.add(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        texts.add(t.getClassName() + ": " + t.getMessage());
      }
    }
    for (Throwable t : thrown) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        texts.add(c.toString());
      }
    }
    // The capture saw the signed traffic and the failures it must describe.
    assertThat(texts)
        .anyMatch(t -> t.contains("-> POST /fapi/v1/order"))
        .anyMatch(t -> t.contains("-1021"))
        .anyMatch(t -> t.contains("listen key expired"))
        .anyMatch(t -> t.contains("unreadable ORDER_TRADE_UPDATE"));
    assertThat(thrown).hasSizeGreaterThanOrEqualTo(5);

    for (String text : texts) {
      assertThat(text).doesNotContain("signature=");
      for (String secret : secrets) {
        assertThat(text).as("a log line or exception message").doesNotContain(secret);
      }
    }
  }
}
