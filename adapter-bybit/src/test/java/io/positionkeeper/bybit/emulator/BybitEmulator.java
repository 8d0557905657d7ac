package io.positionkeeper.bybit.emulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.positionkeeper.bybit.auth.Credentials;
import io.positionkeeper.bybit.config.BybitConfig;
import io.positionkeeper.ports.model.Symbol;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Bybit v5 linear venue on 127.0.0.1: the real paths, the signature and recv-window checks (B2),
 * the envelope and retCodes (B3), market fills at a test-driven mark price, one position per symbol
 * with a position-level stop that triggers on the mark (B6), the private and public streams (B5),
 * and fault modes ({@link #faults()}). Rule sources are named where each rule is coded.
 */
public final class BybitEmulator implements AutoCloseable {
  /**
   * What the venue received: method, path and query, never the headers, and when it arrived on the
   * venue's clock (so a wait is measured where the venue sees it).
   */
  public record RecordedRequest(
      String method,
      String path,
      String query,
      String body,
      Instant receivedAt,
      java.util.Optional<String> apiKey) {}

  /**
   * A further API key of the account, as a trader creates one per program (B2: every key signs with
   * its own secret). Its toString never shows the secret.
   */
  public record ApiKey(String key, String secret) {
    @Override
    public String toString() {
      return "ApiKey[" + key + "]";
    }
  }

  private static final String KEY = "emulatorKeyA1b2C3d4E5";
  private static final String SECRET = "emulatorSecretZ9y8X7w6V5u4T3s2";

  private final HttpServer http;
  private final StreamServer streams;
  private final Venue venue;
  private final Faults faults = new Faults();
  // Every API key of the account and its secret; the first is KEY.
  private final Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();
  // The hold of the request this handler thread is answering (Faults.Kind.HOLD).
  private final ThreadLocal<Duration> held = new ThreadLocal<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  // Writes answered as lost ({@link Faults#ambiguousNextWrite}) that take effect later.
  private final java.util.Queue<Runnable> lateWrites =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  // Held answers (the campaign's kill points) occupy a thread each until released.
  private final java.util.concurrent.ExecutorService handlers = Executors.newFixedThreadPool(12);

  private BybitEmulator() throws IOException {
    keys.put(KEY, SECRET);
    this.streams = new StreamServer(faults, this::now, this::validAuth, this::tickerSnapshot);
    this.venue = new Venue(this::now, this::pushPrivate);
    this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", this::handle);
    http.setExecutor(handlers);
    venue.addInstrument(
        new Venue.Instrument(
            "BTCUSDT",
            new BigDecimal("0.10"),
            new BigDecimal("0.001"),
            new BigDecimal("0.001"),
            new BigDecimal("1190.000"),
            new BigDecimal("500.000"),
            new BigDecimal("5")));
    venue.addInstrument(
        new Venue.Instrument(
            "ETHUSDT",
            new BigDecimal("0.01"),
            new BigDecimal("0.01"),
            new BigDecimal("0.01"),
            new BigDecimal("7240.00"),
            new BigDecimal("3000.00"),
            new BigDecimal("5")));
  }

  /** Starts a venue listing BTCUSDT and ETHUSDT (rules as in the instruments fixture). */
  public static BybitEmulator start() {
    try {
      BybitEmulator e = new BybitEmulator();
      e.http.start();
      e.streams.start();
      try {
        e.streams.awaitStart(Duration.ofSeconds(30));
      } catch (IllegalStateException notStarted) {
        e.close();
        throw notStarted;
      }
      return e;
    } catch (IOException ex) {
      throw new IllegalStateException("emulator did not start", ex);
    }
  }

  public URI restBaseUrl() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  public URI publicStreamUrl() {
    return URI.create("ws://127.0.0.1:" + streams.getPort() + "/v5/public/linear");
  }

  public URI privateStreamUrl() {
    return URI.create("ws://127.0.0.1:" + streams.getPort() + "/v5/private");
  }

  /** A config for this venue, patient enough for tests and quick to settle doubts. */
  public BybitConfig config() {
    return configBuilder().build();
  }

  public BybitConfig.Builder configBuilder() {
    return BybitConfig.custom(
            BybitConfig.Network.TESTNET, restBaseUrl(), publicStreamUrl(), privateStreamUrl())
        // Generous: a first request on a machine loaded many times over can take seconds.
        .requestTimeout(Duration.ofSeconds(15))
        .streamTimings(Duration.ofMillis(500), Duration.ofSeconds(2))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .doubt(2, Duration.ofMillis(300));
  }

  public Credentials credentials() {
    return Credentials.of(KEY, SECRET);
  }

  public String apiKey() {
    return KEY;
  }

  public String apiSecret() {
    return SECRET;
  }

  /** Creates another API key of the same account (B2: each key signs with its own secret). */
  public ApiKey addApiKey() {
    int n = keys.size() + 1;
    ApiKey k = new ApiKey("emulatorKey" + n + "Q7r8S9t0", "emulatorSecret" + n + "M1n2B3v4C5x6Z7");
    keys.put(k.key(), k.secret());
    return k;
  }

  /**
   * Sends {@code frame} as it is to every authenticated private stream connection, whatever its
   * topics: what a broken or hostile venue could send.
   */
  public void sendRawPrivateFrame(String frame) {
    streams.sendRaw(true, frame);
  }

  /** Sends {@code frame} as it is to every public stream connection. */
  public void sendRawPublicFrame(String frame) {
    streams.sendRaw(false, frame);
  }

  public Faults faults() {
    return faults;
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** How many requests to {@code method path} reached the venue. */
  public long requestCount(String method, String path) {
    return requests.stream()
        .filter(r -> r.method().equals(method) && r.path().equals(path))
        .count();
  }

  /** How many orders (of any state) carry the link id {@code orderLinkId}. */
  public long ordersWithLinkId(String orderLinkId) {
    synchronized (venue) {
      return venue.orders.stream().filter(o -> o.linkId.equals(orderLinkId)).count();
    }
  }

  /** How many private stream connections have authenticated since the start. */
  public int privateLogins() {
    return streams.logins();
  }

  /** How many order creates reached the venue. */
  public long orderCreates() {
    return requests.stream().filter(r -> r.path().equals("/v5/order/create")).count();
  }

  /** Sets the mark; a position's stop triggers when the mark crosses it; tickers get a delta. */
  public void setMarkPrice(Symbol symbol, BigDecimal price) {
    venue.setMark(symbol.value(), price);
    JsonObject delta = new JsonObject();
    delta.addProperty("symbol", symbol.value());
    delta.addProperty("markPrice", price.toPlainString());
    streams.pushTicker(symbol.value(), delta);
  }

  /** A ticker delta with book fields only and no markPrice (B5: live deltas look like this). */
  public void pushBookOnlyDelta(Symbol symbol) {
    JsonObject delta = new JsonObject();
    delta.addProperty("symbol", symbol.value());
    delta.addProperty("bid1Price", "1.0");
    delta.addProperty("bid1Size", "2.0");
    streams.pushTicker(symbol.value(), delta);
  }

  /** The position's stop trigger, zero when none. */
  public BigDecimal stopLoss(Symbol symbol) {
    synchronized (venue) {
      return venue.position(symbol.value()).stopLoss;
    }
  }

  /**
   * The position's leverage as the venue holds it (10 until set: inferred from the ws_position
   * fixture).
   */
  public String leverage(Symbol symbol) {
    synchronized (venue) {
      return venue.position(symbol.value()).leverage;
    }
  }

  /** The signed size of the position on {@code symbol}, zero when flat. */
  public BigDecimal positionSize(Symbol symbol) {
    synchronized (venue) {
      return venue.position(symbol.value()).size;
    }
  }

  /**
   * The executions on {@code symbol} of the given {@code stopOrderType} ({@code ""} for orders
   * placed by a caller, {@code "StopLoss"} for the position stop's fills).
   */
  public long executions(Symbol symbol, String stopOrderType) {
    synchronized (venue) {
      return venue.execs.stream()
          .filter(e -> e.symbol().equals(symbol.value()))
          .filter(e -> e.stopOrderType().equals(stopOrderType))
          .count();
    }
  }

  public void closeByHand(Symbol symbol) {
    venue.closeByHand(symbol.value());
  }

  /** A position opened by hand on the website (no link id), filled at the mark. */
  public void openByHand(Symbol symbol, BigDecimal signedQty) {
    venue.openByHand(symbol.value(), signedQty);
  }

  /** The position's stop-loss removed by hand on the website. */
  public void clearStopByHand(Symbol symbol) {
    venue.clearStopByHand(symbol.value());
  }

  /**
   * The stream connections open now hang: open, silent, no pongs, no close frame; connections
   * opened afterwards work (a test's choice: a half-dead route, as a network stall leaves it).
   */
  public void stallOpenStreams() {
    streams.stallOpen();
  }

  /**
   * The venue ends every stream connection with a close frame. Inferred: Bybit documents no
   * connection age limit (B2 asks for a ping every 20 s to keep one alive) but ends connections at
   * maintenance; how it ends one is inferred as a close frame (1001, going away).
   */
  public void closeStreams() {
    streams.closeAll(1001, "server closed the connection");
  }

  /**
   * The next {@code n} private-stream logins are refused in the ack shape of B2 ({@code success
   * false}), as a key the venue does not accept at that moment would be.
   */
  public void refuseNextLogins(int n) {
    streams.refuseNextAuths(n);
  }

  /** Every private message the venue published, in order. */
  public List<String> privateFrames() {
    return streams.privateFrames();
  }

  /** How many private stream connections were opened since the start. */
  public int privateConnectionsOpened() {
    return streams.privateOpened();
  }

  /**
   * Lets every write whose answer was lost take effect now, before its delay: a test decides when a
   * late write lands instead of racing its timer.
   */
  public void landLateWrites() {
    for (Runnable effect; (effect = lateWrites.poll()) != null; ) {
      effect.run();
    }
  }

  /** Cuts every stream connection, as a network failure would. */
  public void dropStreams() {
    streams.dropAll();
  }

  public int authenticatedStreams() {
    return streams.authenticatedSessions();
  }

  private long now() {
    return System.currentTimeMillis() + faults.clockSkewMillis.get();
  }

  /** A private message, now or after its topic's delay ({@link Faults#delayTopic}). */
  private void pushPrivate(JsonObject message) {
    Duration delay = faults.topicDelay(message.get("topic").getAsString());
    if (delay.isZero()) {
      streams.pushPrivate(message);
    } else {
      later.schedule(() -> streams.pushPrivate(message), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private JsonObject tickerSnapshot(String symbol) {
    synchronized (venue) {
      BigDecimal mark = venue.marks.get(symbol);
      if (mark == null) {
        return null;
      }
      JsonObject d = new JsonObject();
      d.addProperty("symbol", symbol);
      d.addProperty("markPrice", mark.toPlainString());
      d.addProperty("lastPrice", mark.toPlainString());
      d.addProperty("indexPrice", mark.toPlainString());
      return d;
    }
  }

  private boolean validAuth(String keyAndSignature, long expires) {
    int bar = keyAndSignature.indexOf('|');
    String secret = keys.get(keyAndSignature.substring(0, bar));
    return secret != null
        && hmac(secret, "GET/realtime" + expires).equals(keyAndSignature.substring(bar + 1));
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String query =
          ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(
          new RecordedRequest(
              ex.getRequestMethod(),
              path,
              query,
              body,
              Instant.ofEpochMilli(now()),
              java.util.Optional.ofNullable(ex.getRequestHeaders().getFirst("X-BAPI-API-KEY"))));
      sleep(faults.latency);
      if (faults.ipBanned.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        send(ex, 403, "access too frequent", Map.of()); // B3/B7.1: 403 with a non-JSON body
        return;
      }
      if (faults.rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        long reset = now() + faults.rateLimitResetMillis;
        sendRateLimited(ex, 10006, "Too many visits!", reset);
        return;
      }
      boolean signed = !path.startsWith("/v5/market/");
      if (signed) {
        String refusal = checkSignature(ex, "GET".equals(ex.getRequestMethod()) ? query : body);
        if (refusal != null) {
          if (refusal.startsWith("401")) {
            send(ex, 401, refusal, Map.of()); // B3: 401 for missing headers
          } else {
            int code = Integer.parseInt(refusal.substring(0, 5));
            send(ex, 200, envelope(code, refusal.substring(6), new JsonObject()), Map.of());
          }
          return;
        }
      }
      Faults.Rule rule = faults.take(ex.getRequestMethod(), path, query);
      if (rule == null || rule.kind == Faults.Kind.HOLD) {
        held.set(rule == null ? Duration.ZERO : rule.hold);
        try {
          route(ex, path, params(query), body);
        } finally {
          held.remove();
        }
        return;
      }
      fault(ex, rule, path, body);
    }
  }

  /** B3: a rate limit's retCode with the X-Bapi-Limit* headers; the reset is in milliseconds. */
  private void sendRateLimited(HttpExchange ex, int retCode, String msg, long resetMillis)
      throws IOException {
    send(
        ex,
        200,
        envelope(retCode, msg, new JsonObject()),
        Map.of(
            "X-Bapi-Limit",
            "10",
            "X-Bapi-Limit-Status",
            "0",
            "X-Bapi-Limit-Reset-Timestamp",
            Long.toString(resetMillis)));
  }

  /** A path-scoped fault other than a hold (see {@link Faults.Kind}). */
  private void fault(HttpExchange ex, Faults.Rule rule, String path, String body)
      throws IOException {
    switch (rule.kind) {
      case RATE_LIMIT ->
          sendRateLimited(ex, rule.retCode, rule.message, now() + rule.hold.toMillis());
      case FAIL -> send(ex, 200, envelope(rule.retCode, rule.message, new JsonObject()), Map.of());
      case FAIL_AFTER_EFFECT -> {
        writeQuietly(path, body);
        sendFailure(ex, rule);
      }
      case APPLY_LATE -> {
        later.schedule(() -> writeQuietly(path, body), rule.hold.toMillis(), TimeUnit.MILLISECONDS);
        sendFailure(ex, rule);
      }
      case ANSWER -> send(ex, rule.status, rule.message, Map.of());
      case HOLD -> throw new IllegalStateException("a hold is routed");
    }
  }

  /** A write whose caller never hears the outcome; the venue's state shows what happened. */
  private void writeQuietly(String path, String body) {
    try {
      write(path, JsonParser.parseString(body).getAsJsonObject());
    } catch (VenueError refused) {
      // Refused as it would have been had the answer arrived; nothing changed.
    }
  }

  /** B3: a 5xx comes with a non-JSON body; a retCode with HTTP 200 and the envelope. */
  private void sendFailure(HttpExchange ex, Faults.Rule rule) throws IOException {
    if (rule.status == 200) {
      send(ex, 200, envelope(rule.retCode, rule.message, new JsonObject()), Map.of());
    } else {
      send(ex, rule.status, "<html>HTTP " + rule.status + "</html>", Map.of());
    }
  }

  /** Null when the request is signed right, else "retCode message" (B2 and B3). */
  private String checkSignature(HttpExchange ex, String payload) {
    var h = ex.getRequestHeaders();
    String key = h.getFirst("X-BAPI-API-KEY");
    String ts = h.getFirst("X-BAPI-TIMESTAMP");
    String recv = h.getFirst("X-BAPI-RECV-WINDOW");
    String sign = h.getFirst("X-BAPI-SIGN");
    if (key == null || ts == null || sign == null) {
      return "401 missing X-BAPI headers";
    }
    String secret = keys.get(key);
    if (secret == null) {
      return "10003 API key is invalid.";
    }
    long recvWindow = recv == null ? 5000 : Long.parseLong(recv);
    long t = Long.parseLong(ts);
    long server = now();
    // B2: server_time - recv_window <= timestamp < server_time + 1000
    if (!(server - recvWindow <= t && t < server + 1000)) {
      return "10002 invalid request, please check your server timestamp or recv_window param. "
          + "req_timestamp["
          + t
          + "],server_timestamp["
          + server
          + "],recv_window["
          + recvWindow
          + "]";
    }
    if (!hmac(secret, ts + key + recvWindow + payload).equals(sign)) {
      return "10004 error sign!";
    }
    return null;
  }

  private void route(HttpExchange ex, String path, Map<String, String> q, String body)
      throws IOException {
    String method = ex.getRequestMethod();
    if ("POST".equals(method) && isWrite(path)) {
      JsonObject json = JsonParser.parseString(body).getAsJsonObject();
      java.time.Duration ambiguous = faults.ambiguousNextWrite.getAndSet(null);
      if (ambiguous != null) {
        // The venue acts (now or later) but the answer is lost: HTTP 502.
        java.util.concurrent.atomic.AtomicBoolean done =
            new java.util.concurrent.atomic.AtomicBoolean();
        Runnable effect =
            () -> {
              if (!done.compareAndSet(false, true)) {
                return; // landed already, by landLateWrites
              }
              try {
                write(path, json);
              } catch (VenueError ignored) {
                // The caller never hears of it, like a lost answer; the state shows what happened.
              }
            };
        lateWrites.add(effect);
        later.schedule(effect, ambiguous.toMillis(), TimeUnit.MILLISECONDS);
        send(ex, 502, "<html>502 Bad Gateway</html>", Map.of());
        return;
      }
      int[] reject = faults.rejectNextOrder.get();
      if (reject != null
          && path.equals("/v5/order/create")
          && faults.rejectNextOrder.compareAndSet(reject, null)) {
        send(ex, 200, envelope(reject[0], faults.rejectMessage, new JsonObject()), Map.of());
        return;
      }
      answer(ex, () -> write(path, json));
      return;
    }
    switch (path) {
      case "/v5/market/time" ->
          answer(
              ex,
              () -> {
                JsonObject r = new JsonObject();
                long n = now();
                r.addProperty("timeSecond", Long.toString(n / 1000));
                r.addProperty("timeNano", n + "000000");
                return r;
              });
      case "/v5/market/instruments-info" -> answer(ex, () -> instruments(q.get("symbol")));
      case "/v5/market/tickers" -> answer(ex, () -> tickers(q.get("symbol")));
      case "/v5/order/realtime", "/v5/order/history" ->
          answer(
              ex,
              () -> {
                String symbol =
                    required(q, "symbol"); // B4: linear needs symbol (or baseCoin/settleCoin)
                return list(venue.orders(symbol, q.get("orderLinkId"), path.endsWith("realtime")));
              });
      case "/v5/position/list" ->
          answer(
              ex,
              () -> {
                if (!q.containsKey("symbol") && !q.containsKey("settleCoin")) {
                  throw new VenueError(
                      10001, "params error: symbol or settleCoin is required"); // B4
                }
                return page(venue.positionRows(q.get("symbol"), q.get("settleCoin")), q);
              });
      case "/v5/execution/list" -> answer(ex, () -> executions(q));
      default -> send(ex, 404, "not found", Map.of()); // B3: 404 for a bad path
    }
  }

  private static boolean isWrite(String path) {
    return List.of(
            "/v5/order/create",
            "/v5/order/cancel",
            "/v5/position/trading-stop",
            "/v5/position/set-leverage")
        .contains(path);
  }

  private JsonObject write(String path, JsonObject json) {
    switch (path) {
      case "/v5/order/create" -> {
        return venue.create(json);
      }
      case "/v5/order/cancel" -> {
        venue.cancel(json);
        JsonObject r = new JsonObject();
        r.addProperty(
            "orderLinkId", json.has("orderLinkId") ? json.get("orderLinkId").getAsString() : "");
        return r;
      }
      case "/v5/position/trading-stop" -> {
        venue.tradingStop(json);
        return new JsonObject(); // B4: an empty result
      }
      default -> {
        venue.setLeverage(json);
        return new JsonObject();
      }
    }
  }

  private JsonObject instruments(String symbol) {
    JsonArray list = new JsonArray();
    synchronized (venue) {
      for (Venue.Instrument i : venue.instruments.values()) {
        if (symbol != null && !symbol.equals(i.symbol())) {
          continue; // inferred: an unlisted symbol gives an empty list
        }
        JsonObject r = new JsonObject();
        r.addProperty("symbol", i.symbol());
        r.addProperty("contractType", "LinearPerpetual");
        r.addProperty("status", "Trading");
        JsonObject price = new JsonObject();
        price.addProperty("minPrice", "0.10");
        price.addProperty("maxPrice", "1999999.80");
        price.addProperty("tickSize", i.tick().toPlainString());
        r.add("priceFilter", price);
        JsonObject lot = new JsonObject();
        lot.addProperty("maxOrderQty", i.maxQty().toPlainString());
        lot.addProperty("minOrderQty", i.minQty().toPlainString());
        lot.addProperty("qtyStep", i.step().toPlainString());
        lot.addProperty("maxMktOrderQty", i.maxMktQty().toPlainString());
        lot.addProperty("minNotionalValue", i.minNotional().toPlainString());
        r.add("lotSizeFilter", lot);
        list.add(r);
      }
    }
    return list(list);
  }

  private JsonObject tickers(String symbol) {
    JsonArray list = new JsonArray();
    JsonObject snap = symbol == null ? null : tickerSnapshot(symbol);
    if (snap != null) {
      list.add(snap);
    }
    return list(list);
  }

  private JsonObject executions(Map<String, String> q) {
    String symbol = required(q, "symbol");
    long start = q.containsKey("startTime") ? Long.parseLong(q.get("startTime")) : 0;
    int limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : 50;
    int offset = q.containsKey("cursor") ? Integer.parseInt(q.get("cursor")) : 0;
    List<JsonObject> rows = venue.execRows(symbol, start);
    JsonArray list = new JsonArray();
    rows.stream().skip(offset).limit(limit).forEach(list::add);
    JsonObject r = list(list);
    // Inferred from the other paged endpoints (B4 "limit ... with a cursor").
    r.addProperty(
        "nextPageCursor", offset + limit < rows.size() ? Integer.toString(offset + limit) : "");
    return r;
  }

  /**
   * One page of the position list: {@code limit} 1-200 with a {@code cursor} (B4); the reference
   * names no default, 20 is assumed (inferred: an adapter that relies on a default sees pages).
   */
  private static JsonObject page(JsonArray rows, Map<String, String> q) {
    int limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : 20;
    if (limit < 1 || limit > 200) {
      throw new VenueError(10001, "params error: limit must be 1-200"); // B4
    }
    int offset = q.containsKey("cursor") ? Integer.parseInt(q.get("cursor")) : 0;
    JsonArray list = new JsonArray();
    for (int i = offset; i < Math.min(rows.size(), offset + limit); i++) {
      list.add(rows.get(i));
    }
    JsonObject r = list(list);
    r.addProperty(
        "nextPageCursor", offset + limit < rows.size() ? Integer.toString(offset + limit) : "");
    return r;
  }

  private static JsonObject list(JsonArray list) {
    JsonObject r = new JsonObject();
    r.addProperty("category", "linear");
    r.add("list", list);
    r.addProperty("nextPageCursor", "");
    return r;
  }

  private static String required(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) {
      // Inferred from B3's 10001 "request parameter error" for a missing parameter.
      throw new VenueError(10001, "params error: " + name + " is required");
    }
    return v;
  }

  private interface Result {
    JsonObject get();
  }

  /** The answer, after the request's hold if it has one: a held write has taken effect. */
  private void answer(HttpExchange ex, Result result) throws IOException {
    String body;
    try {
      body = envelope(0, "OK", result.get());
    } catch (VenueError e) {
      body = envelope(e.retCode, e.getMessage(), new JsonObject());
    }
    Duration hold = held.get();
    if (hold != null && !hold.isZero()) {
      try {
        faults.hold(hold);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    send(ex, 200, body, Map.of());
  }

  /** B3: {retCode, retMsg, result, retExtInfo, time}; business errors with HTTP 200. */
  private String envelope(int code, String msg, JsonObject result) {
    JsonObject e = new JsonObject();
    e.addProperty("retCode", code);
    e.addProperty("retMsg", msg);
    e.add("result", result);
    e.add("retExtInfo", new JsonObject());
    e.addProperty("time", now());
    return e.toString();
  }

  private static void send(HttpExchange ex, int status, String body, Map<String, String> headers)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().add("Content-Type", status == 200 ? "application/json" : "text/html");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> params(String query) {
    Map<String, String> out = new HashMap<>();
    if (query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    later.shutdownNow();
    http.stop(0);
    handlers.shutdownNow();
    try {
      streams.stop(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
