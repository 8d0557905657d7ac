package io.positionkeeper.runner.campaign;

import io.positionkeeper.binance.SharedFixtures;
import io.positionkeeper.binance.emulator.BinanceEmulator;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One Binance USDⓈ-M account as a trader runs it: the Binance emulator on loopback, an embedded
 * PostgreSQL, and the runner as a child JVM (see {@link RunnerRig}). Stops are algo orders with a
 * client algo id, one per position.
 */
final class BinanceVenueRig extends RunnerRig {
  static final String SYMBOL = "BTCUSDT";
  static final String ORDER = "/fapi/v1/order";
  static final String ALGO = "/fapi/v1/algoOrder";

  private final BinanceEmulator venue;

  private BinanceVenueRig(Path home, BinanceEmulator venue) throws Exception {
    super(home);
    this.venue = venue;
    configure("exchange=binance");
    configure("binance.restUrl=" + venue.restBaseUrl());
    configure("binance.marketStreamUrl=" + venue.marketStreamUrl());
    configure("binance.privateStreamUrl=" + venue.privateStreamUrl());
    configure("symbols=" + SYMBOL);
    configure("symbol." + SYMBOL + ".leverage=4");
    keyEnvironment(new VenueKey(venue.apiKey(), venue.apiSecret())).forEach(this::environment);
  }

  static BinanceVenueRig start(Path home) throws Exception {
    return startOn(
        BinanceEmulator.start(),
        venue -> {
          venue.setMarkPrice(SYMBOL, new BigDecimal("64000"));
          venue.setMarkPrice("ETHUSDT", new BigDecimal("3000"));
          return new BinanceVenueRig(home, venue);
        });
  }

  BinanceEmulator venue() {
    return venue;
  }

  @Override
  public String symbol() {
    return SYMBOL;
  }

  @Override
  String exchange() {
    return "BINANCE";
  }

  @Override
  public Map<String, Long> entryOrdersByClientId() {
    return venue.requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals(ORDER))
        .filter(r -> !"true".equalsIgnoreCase(r.params().get("reduceOnly")))
        .map(r -> r.params().get("newClientOrderId"))
        .distinct()
        .collect(Collectors.toMap(id -> id, id -> (long) venue.ordersWithClientId(id)));
  }

  @Override
  List<String> venueSecrets() {
    return List.of(venue.apiKey(), venue.apiSecret());
  }

  @Override
  void setMark(String symbol, BigDecimal price) {
    venue.setMarkPrice(symbol, price);
  }

  @Override
  BigDecimal positionAmount(String symbol) {
    return venue.positionAmount(symbol);
  }

  @Override
  List<VenueStop> workingStops(String symbol) {
    return venue.openStops(symbol).stream()
        .map(s -> new VenueStop(Optional.of(s.clientAlgoId()), s.triggerPrice()))
        .toList();
  }

  /**
   * Binance's kill points: the entry order, a stop's placement and its cancel (a trailing move is a
   * new stop, then the old one's cancel), an order look-up, a stop look-up.
   */
  @Override
  List<KillPoint> killPoints() {
    return List.of(
        new KillPoint("ENTRY", "POST", ORDER),
        new KillPoint("STOP", "POST", ALGO),
        new KillPoint("CANCEL", "DELETE", ALGO),
        new KillPoint("ORDER_QUERY", "GET", ORDER),
        new KillPoint("STOP_QUERY", "GET", ALGO));
  }

  @Override
  long requestCount(String method, String path) {
    return venue.requestCount(method, path);
  }

  @Override
  void hold(KillPoint point, Duration hold) {
    venue.faults().latency(point.method(), point.path(), hold);
  }

  @Override
  void clearFaults() {
    venue.faults().clear();
  }

  @Override
  long entryOrderCount() {
    return venue.requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals(ORDER))
        .filter(r -> !"true".equalsIgnoreCase(r.params().get("reduceOnly")))
        .count();
  }

  @Override
  long stopRequestCount() {
    return venue.requestCount("POST", ALGO) + venue.requestCount("DELETE", ALGO);
  }

  @Override
  Path fixtureDirectory() {
    return SharedFixtures.binanceOrSkip();
  }

  @Override
  void sendRawFrame(boolean toPrivate, String frame) {
    if (toPrivate) {
      venue.sendRawUserFrame(frame);
    } else {
      venue.sendRawMarketFrame(frame);
    }
  }

  @Override
  boolean isPublicStreamFixture(String fileName) {
    return fileName.contains("mark_price");
  }

  @Override
  void answerNextRead(String path, String body) {
    venue.faults().answerNext("GET", path, 200, body);
  }

  /** The real mark price update with its symbol and price replaced. */
  @Override
  String markFrame(String symbol, String price) throws IOException {
    return fixtures()
        .get("ws_mark_price_update_real_btcusdt.json")
        .replaceFirst("\"s\":\"[A-Z]+\"", "\"s\":\"" + symbol + "\"")
        .replaceFirst("\"p\":\"[0-9.]+\"", "\"p\":\"" + price + "\"");
  }

  @Override
  VenueKey addApiKey() {
    BinanceEmulator.ApiKey k = venue.addApiKey();
    return new VenueKey(k.key(), k.secret());
  }

  @Override
  Map<String, String> keyEnvironment(VenueKey key) {
    return Map.of("BINANCE_API_KEY", key.key(), "BINANCE_API_SECRET", key.secret());
  }

  @Override
  String apiKey() {
    return venue.apiKey();
  }

  /** What the Binance emulator received, as the campaign's history reads it. */
  @Override
  List<Received> received() {
    return venue.requests().stream()
        .map(
            r -> new Received(r.method(), r.path(), r.receivedAt(), r.apiKey(), detail(r.params())))
        .toList();
  }

  /** The order's parameters a failure's history shows. */
  private static String detail(Map<String, String> params) {
    return Stream.of(
            "side",
            "quantity",
            "triggerPrice",
            "newClientOrderId",
            "clientAlgoId",
            "origClientOrderId",
            "reduceOnly")
        .filter(params::containsKey)
        .map(p -> p + "=" + params.get(p))
        .collect(Collectors.joining(" "));
  }

  @Override
  VenueFaults faults() {
    BinanceEmulator.Faults f = venue.faults();
    return new VenueFaults() {
      private static final String UNAVAILABLE = "Service Unavailable.";
      private static final String DISCONNECTED =
          "Internal error; unable to process your request. Please try again.";

      /** -1007: the venue says the outcome is unknown. */
      @Override
      public void entryAnsweredAmbiguously() {
        f.timeoutAfterEffect("POST", ORDER);
      }

      @Override
      public void stopAnsweredAmbiguously() {
        f.failNextAfterEffect("POST", ALGO, 503, 0, UNAVAILABLE);
      }

      @Override
      public void stopAnsweredAmbiguouslyWithoutEffect() {
        f.serverErrorNext("POST", ALGO, 1);
      }

      @Override
      public void entryAppliedLate(Duration lateBy) {
        f.timeoutAndApplyLate("POST", ORDER, lateBy);
      }

      /** -1001 "disconnected", nothing done: one request per attempt. */
      @Override
      public int stopRefused(int attempts) {
        f.failNext("POST", ALGO, attempts, 503, -1001, DISCONNECTED);
        return attempts;
      }

      @Override
      public void stopNeverPlaced() {
        f.failNext("POST", ALGO, 10_000, 503, -1001, DISCONNECTED);
      }

      /** 429 with Retry-After. */
      @Override
      public void stopLimited(Duration reset) {
        f.rateLimitNext("POST", ALGO, 1, 429, (int) reset.toSeconds());
      }

      /** 418, the IP ban, with Retry-After. */
      @Override
      public void closeLimited(Duration reset) {
        f.rateLimitNext("POST", ORDER, 1, 418, (int) reset.toSeconds());
      }

      @Override
      public void holdFillEvents(Duration by) {
        f.delayEvents("ORDER_TRADE_UPDATE", by);
        f.delayEvents("ACCOUNT_UPDATE", by);
      }

      @Override
      public int privateStreamsOpened() {
        return venue.openedStreams().size();
      }

      @Override
      public void dropStreams() {
        venue.dropStreams();
      }

      @Override
      public List<Received> received() {
        return BinanceVenueRig.this.received();
      }

      @Override
      public void skewClock(Duration ahead) {
        f.clockSkew(ahead);
      }

      /** -1021 logged as the runner re-measures the venue's time. */
      @Override
      public String clockRefused() {
        return "timestamp outside recvWindow (-1021)";
      }

      @Override
      public String orderPath() {
        return ORDER;
      }

      @Override
      public String stopPath() {
        return ALGO;
      }

      @Override
      public boolean reduceOnly(Received order) {
        return order.detail().toLowerCase(java.util.Locale.ROOT).contains("reduceonly=true");
      }
    };
  }

  @Override
  void cancelStopByHand() {
    venue.openStops(SYMBOL).forEach(s -> venue.cancelAlgoExternally(s.clientAlgoId()));
  }

  /** The position gone without an order of ours; its close-position stop stays working. */
  @Override
  void closeByHand() {
    venue.closeExternally(SYMBOL);
  }

  @Override
  void openByHand(BigDecimal signedQuantity, BigDecimal entry) {
    venue.setMarkPrice(SYMBOL, entry);
    venue.seedPosition(SYMBOL, signedQuantity, entry);
  }

  @Override
  void closeVenue() {
    venue.close();
  }
}
