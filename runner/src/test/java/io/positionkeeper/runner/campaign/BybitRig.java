package io.positionkeeper.runner.campaign;

import io.positionkeeper.bybit.SharedFixtures;
import io.positionkeeper.bybit.emulator.BybitEmulator;
import io.positionkeeper.bybit.emulator.BybitEmulator.RecordedRequest;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One Bybit account as a trader runs it: the Bybit emulator on loopback (its testnet keys), an
 * embedded PostgreSQL, and the runner as a child JVM (see {@link RunnerRig}). Bybit keeps one
 * stop-loss on the position, set and amended in place by {@code /v5/position/trading-stop}, and
 * gives it no client id: the invariants read its trigger from the position.
 */
final class BybitRig extends RunnerRig {
  static final String SYMBOL = "BTCUSDT";
  static final Symbol BTC = Symbol.of(SYMBOL);
  static final String CREATE = "/v5/order/create";
  static final String TRADING_STOP = "/v5/position/trading-stop";
  static final String POSITIONS = "/v5/position/list";
  static final String OPEN_ORDERS = "/v5/order/realtime";

  private final BybitEmulator venue;

  private BybitRig(Path home, BybitEmulator venue) throws Exception {
    super(home);
    this.venue = venue;
    configure("exchange=bybit");
    configure("bybit.restUrl=" + venue.restBaseUrl());
    configure("bybit.publicStreamUrl=" + venue.publicStreamUrl());
    configure("bybit.privateStreamUrl=" + venue.privateStreamUrl());
    // The emulator's keys stand for testnet keys.
    configure("bybit.keys=testnet");
    configure("symbols=" + SYMBOL);
    configure("symbol." + SYMBOL + ".leverage=4");
    environment("BYBIT_TESTNET_API_KEY", venue.apiKey());
    environment("BYBIT_TESTNET_API_SECRET", venue.apiSecret());
  }

  static BybitRig start(Path home) throws Exception {
    return startOn(
        BybitEmulator.start(),
        venue -> {
          venue.setMarkPrice(BTC, new BigDecimal("64000"));
          venue.setMarkPrice(Symbol.of("ETHUSDT"), new BigDecimal("3000"));
          return new BybitRig(home, venue);
        });
  }

  BybitEmulator venue() {
    return venue;
  }

  @Override
  public String symbol() {
    return SYMBOL;
  }

  @Override
  String exchange() {
    return "BYBIT";
  }

  @Override
  public Map<String, Long> entryOrdersByClientId() {
    return entryOrders().stream()
        .map(BybitRig::linkId)
        .distinct()
        .collect(Collectors.toMap(id -> id, venue::ordersWithLinkId));
  }

  @Override
  List<String> venueSecrets() {
    return List.of(venue.apiKey(), venue.apiSecret());
  }

  List<RecordedRequest> requests(String method, String path) {
    return venue.requests().stream()
        .filter(r -> r.method().equals(method) && r.path().equals(path))
        .toList();
  }

  /** The entry orders the venue received (order creates that are not reduce-only). */
  List<RecordedRequest> entryOrders() {
    return requests("POST", CREATE).stream()
        .filter(r -> !r.body().contains("\"reduceOnly\":true"))
        .toList();
  }

  /** The closing orders the venue received (reduce-only order creates). */
  List<RecordedRequest> closeOrders() {
    return requests("POST", CREATE).stream()
        .filter(r -> r.body().contains("\"reduceOnly\":true"))
        .toList();
  }

  private static String linkId(RecordedRequest r) {
    return com.google.gson.JsonParser.parseString(r.body())
        .getAsJsonObject()
        .get("orderLinkId")
        .getAsString();
  }

  @Override
  void setMark(String symbol, BigDecimal price) {
    venue.setMarkPrice(Symbol.of(symbol), price);
  }

  @Override
  BigDecimal positionAmount(String symbol) {
    return venue.positionSize(Symbol.of(symbol));
  }

  /** The position's stop-loss, the only stop Bybit keeps for it (none when its trigger is 0). */
  @Override
  List<VenueStop> workingStops(String symbol) {
    BigDecimal trigger = venue.stopLoss(Symbol.of(symbol));
    return trigger.signum() == 0 ? List.of() : List.of(new VenueStop(Optional.empty(), trigger));
  }

  /**
   * Bybit's kill points: the entry order, a trading-stop (the stop set, moved or removed in place),
   * an order look-up by link id, a position read (the fill's and the stop's confirmation).
   */
  @Override
  List<KillPoint> killPoints() {
    return List.of(
        new KillPoint("ENTRY", "POST", CREATE),
        new KillPoint("STOP", "POST", TRADING_STOP),
        new KillPoint("ORDER_QUERY", "GET", OPEN_ORDERS),
        new KillPoint("POSITION_QUERY", "GET", POSITIONS));
  }

  @Override
  long requestCount(String method, String path) {
    return venue.requestCount(method, path);
  }

  @Override
  void hold(KillPoint point, java.time.Duration hold) {
    venue.faults().hold(point.method(), point.path(), hold);
  }

  @Override
  void clearFaults() {
    venue.faults().clear();
  }

  @Override
  long entryOrderCount() {
    return entryOrders().size();
  }

  @Override
  long stopRequestCount() {
    return venue.requestCount("POST", TRADING_STOP);
  }

  @Override
  Path fixtureDirectory() {
    return SharedFixtures.bybitOrSkip();
  }

  @Override
  void sendRawFrame(boolean toPrivate, String frame) {
    if (toPrivate) {
      venue.sendRawPrivateFrame(frame);
    } else {
      venue.sendRawPublicFrame(frame);
    }
  }

  @Override
  boolean isPublicStreamFixture(String fileName) {
    return fileName.contains("tickers") || fileName.contains("public");
  }

  @Override
  void answerNextRead(String path, String body) {
    venue.faults().answerNext("GET", path, 200, body);
  }

  /** The real ticker snapshot with its symbol and mark price replaced. */
  @Override
  String markFrame(String symbol, String price) throws java.io.IOException {
    return fixtures()
        .get("ws_tickers_linear_snapshot.json")
        .replace("tickers.BTCUSDT", "tickers." + symbol)
        .replaceFirst("\"symbol\": \"[A-Z]+\"", "\"symbol\": \"" + symbol + "\"")
        .replaceFirst("\"markPrice\": \"[0-9.]+\"", "\"markPrice\": \"" + price + "\"");
  }

  @Override
  VenueKey addApiKey() {
    BybitEmulator.ApiKey k = venue.addApiKey();
    return new VenueKey(k.key(), k.secret());
  }

  @Override
  Map<String, String> keyEnvironment(VenueKey key) {
    return Map.of("BYBIT_TESTNET_API_KEY", key.key(), "BYBIT_TESTNET_API_SECRET", key.secret());
  }

  @Override
  String apiKey() {
    return venue.apiKey();
  }

  @Override
  List<Received> received() {
    return venue.requests().stream()
        .map(
            r ->
                new Received(
                    r.method(),
                    r.path(),
                    r.receivedAt(),
                    r.apiKey(),
                    r.body().isEmpty() ? r.query() : r.body()))
        .toList();
  }

  @Override
  VenueFaults faults() {
    var f = venue.faults();
    String clock = "invalid request, please check your server timestamp";
    return new VenueFaults() {
      /** 10016 "server error" after the order took effect. */
      @Override
      public void entryAnsweredAmbiguously() {
        f.failNextAfterEffect("POST", CREATE, 200, 10016);
      }

      @Override
      public void stopAnsweredAmbiguously() {
        f.failNextAfterEffect("POST", TRADING_STOP, 502, 0);
      }

      @Override
      public void stopAnsweredAmbiguouslyWithoutEffect() {
        f.failNext("POST", TRADING_STOP, 1, 10016, "Internal System Error.");
      }

      @Override
      public void entryAppliedLate(java.time.Duration lateBy) {
        f.serverErrorAndApplyLate("POST", CREATE, lateBy);
      }

      /**
       * 10002, the timestamp refused with nothing done: each attempt resyncs the clock and sends
       * once more, so two requests per attempt.
       */
      @Override
      public int stopRefused(int attempts) {
        f.failNext("POST", TRADING_STOP, 2 * attempts, 10002, clock);
        return 2 * attempts;
      }

      @Override
      public void stopNeverPlaced() {
        f.failNext("POST", TRADING_STOP, 10_000, 10002, clock);
      }

      /** 10006, the UID limit, with its reset header. */
      @Override
      public void stopLimited(java.time.Duration reset) {
        f.rateLimitNext("POST", TRADING_STOP, 1, 10006, reset);
      }

      /** 10018, the IP limit, with its reset header. */
      @Override
      public void closeLimited(java.time.Duration reset) {
        f.rateLimitNext("POST", CREATE, 1, 10018, reset);
      }

      @Override
      public void holdFillEvents(java.time.Duration by) {
        for (String topic : List.of("order", "execution", "position")) {
          f.delayTopic(topic, by);
        }
      }

      @Override
      public int privateStreamsOpened() {
        return venue.privateLogins();
      }

      @Override
      public void dropStreams() {
        venue.dropStreams();
      }

      @Override
      public List<Received> received() {
        return BybitRig.this.received();
      }

      @Override
      public void skewClock(java.time.Duration ahead) {
        f.skewClock(ahead.toMillis());
      }

      @Override
      public String clockRefused() {
        return "10002 (timestamp outside recv window)";
      }

      @Override
      public String orderPath() {
        return CREATE;
      }

      @Override
      public String stopPath() {
        return TRADING_STOP;
      }

      @Override
      public boolean reduceOnly(Received order) {
        return order.detail().contains("\"reduceOnly\":true");
      }
    };
  }

  @Override
  void cancelStopByHand() {
    venue.clearStopByHand(BTC);
  }

  /**
   * Bybit's stop-loss belongs to the position (trading-stop, Full mode): the emulator clears it
   * with the position, so no stop is left behind to cancel.
   */
  @Override
  void closeByHand() {
    venue.closeByHand(BTC);
  }

  @Override
  void openByHand(BigDecimal signedQuantity, BigDecimal entry) {
    venue.setMarkPrice(BTC, entry);
    venue.openByHand(BTC, signedQuantity);
  }

  @Override
  void closeVenue() {
    venue.close();
  }
}
