package io.positionkeeper.binance.emulator;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.positionkeeper.binance.auth.Credentials;
import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.Symbol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Binance USDⓈ-M futures venue on 127.0.0.1 for offline tests: JDK {@link HttpServer} for REST, a
 * Java-WebSocket server for the routed streams, signature and timestamp checks exactly as the venue
 * documents them, a few instruments, a mark price the test drives, market fills at mark, one-way
 * positions, close-position algo stops that trigger on the mark price with the real event sequence,
 * and fault modes ({@link #faults()}): latency, 5xx, -1007, 429/418 with Retry-After, -1008
 * throttling, clock skew, rejecting the next order, dropping, stalling or expiring streams.
 *
 * <p>Start with {@link #start()}; point a client at {@link #config()} with {@link #credentials()};
 * close it after the test.
 */
public final class BinanceEmulator implements AutoCloseable {

  /**
   * One REST request as the emulator received it (raw query included, for leak checks), and when it
   * arrived on the emulator's clock (to tell whether a client honoured a wait).
   */
  public record RecordedRequest(
      String method,
      String path,
      String rawQuery,
      Optional<String> apiKey,
      Map<String, String> params,
      Instant receivedAt) {}

  private enum Security {
    PUBLIC,
    API_KEY,
    SIGNED
  }

  private interface Handler {
    JsonElement handle(Map<String, String> params);
  }

  /** One REST endpoint; its request weight may depend on the parameters (a symbol or none). */
  private record Endpoint(
      Security security,
      boolean placesOrder,
      java.util.function.ToIntFunction<Map<String, String>> weight,
      Handler handler) {
    int weightOf(Map<String, String> params) {
      return weight.applyAsInt(params);
    }
  }

  private record Response(int status, String body, Map<String, String> headers) {}

  private final Clock clock;
  private final String apiKey;
  private final String apiSecret;
  // Further API keys of the same account, each with its own secret (a venue account may hold
  // several keys; Binance's API management allows up to 30 per account).
  private final Map<String, String> extraKeys = new java.util.concurrent.ConcurrentHashMap<>();
  private final Object lock = new Object();
  private final EmulatedVenue venue;
  private final Faults faults = new Faults();
  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final List<String> userFrames = new CopyOnWriteArrayList<>();
  private final HttpServer http;
  private final ExecutorService httpExecutor;
  private final ScheduledExecutorService delayer;
  private final EmulatorWebSocketServer ws;

  private String listenKey;
  private long listenKeyExpiresAt;
  private java.util.concurrent.ScheduledFuture<?> flapping;
  private int keepAlives;
  private final SecureRandom random = new SecureRandom();

  // Usage counters behind the X-MBX-* headers.
  private long weightWindow = -1;
  private long usedWeight;
  private long orderWindow10s = -1;
  private long orders10s;
  private long orderWindow1m = -1;
  private long orders1m;

  private BinanceEmulator(Clock clock) throws IOException {
    this.clock = clock;
    this.apiKey = "emuKey" + token(24);
    this.apiSecret = "emuSecret" + token(24);
    this.venue =
        new EmulatedVenue(
            this::serverTime,
            new EmulatedVenue.Publisher() {
              @Override
              public void user(String frame) {
                publishUser(frame);
              }

              @Override
              public void mark(String symbol, String frame) {
                ws.sendMark(symbol, frame);
              }
            });
    addDefaultInstruments();
    registerEndpoints();
    this.ws = new EmulatorWebSocketServer(this::listenKeyValid);
    ws.start();
    ws.awaitStart();
    this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    this.httpExecutor = Executors.newFixedThreadPool(4, daemon("binance-emulator-http"));
    this.delayer = Executors.newSingleThreadScheduledExecutor(daemon("binance-emulator-delay"));
    http.setExecutor(httpExecutor);
    http.createContext("/", this::handle);
    http.start();
  }

  /** An emulator on the wall clock. */
  public static BinanceEmulator start() {
    return start(Clock.system());
  }

  /** An emulator whose server time is {@code clock} (plus any skew fault). */
  public static BinanceEmulator start(Clock clock) {
    try {
      return new BinanceEmulator(clock);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the Binance emulator", e);
    }
  }

  // ------------------------------------------------------------------ addresses and keys

  public URI restBaseUrl() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  public URI marketStreamUrl() {
    return URI.create("ws://127.0.0.1:" + ws.getPort() + "/market");
  }

  public URI privateStreamUrl() {
    return URI.create("ws://127.0.0.1:" + ws.getPort() + "/private");
  }

  /** An unrouted stream base ({@code ws://host/}): connects, never pushes, like the venue's. */
  public URI unroutedStreamUrl() {
    return URI.create("ws://127.0.0.1:" + ws.getPort());
  }

  /** A client configuration for this emulator, with short reconnect delays. */
  public BinanceConfig config() {
    return BinanceConfig.of(restBaseUrl(), marketStreamUrl(), privateStreamUrl())
        .withRequestTimeout(Duration.ofSeconds(5))
        .withReconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .withRestartPacing(Duration.ofSeconds(1), Duration.ofMillis(50));
  }

  /** The one API key the emulator accepts, with its secret. */
  public Credentials credentials() {
    return Credentials.of(apiKey, apiSecret);
  }

  public String apiKey() {
    return apiKey;
  }

  /**
   * A further API key of the same account, with its own secret: requests signed with it act on the
   * same books, and the requests it made can be told apart by {@link RecordedRequest#apiKey()}.
   */
  public ApiKey addApiKey() {
    String key = "emuKey" + token(24);
    String secret = "emuSecret" + token(24);
    extraKeys.put(key, secret);
    return new ApiKey(key, secret);
  }

  /** An API key and its secret, as a runner's environment would hold them. */
  public record ApiKey(String key, String secret) {
    @Override
    public String toString() {
      return "ApiKey[hidden]";
    }
  }

  public String apiSecret() {
    return apiSecret;
  }

  // ------------------------------------------------------------------ driving the venue

  public Faults faults() {
    return faults;
  }

  /** Lists (or replaces) an instrument. */
  public BinanceEmulator addInstrument(
      String symbol,
      String tickSize,
      String stepSize,
      String minQty,
      String maxQty,
      String minNotional) {
    return addInstrument(symbol, "PERPETUAL", tickSize, stepSize, minQty, maxQty, minNotional);
  }

  /** Lists (or replaces) an instrument of a contract type ({@code TRADIFI_PERPETUAL}, ...). */
  public BinanceEmulator addInstrument(
      String symbol,
      String contractType,
      String tickSize,
      String stepSize,
      String minQty,
      String maxQty,
      String minNotional) {
    synchronized (lock) {
      venue.addInstrument(
          new EmulatedVenue.Instrument(
              symbol,
              contractType,
              "TRADING",
              new BigDecimal(tickSize),
              new BigDecimal(stepSize),
              new BigDecimal(minQty),
              new BigDecimal(maxQty),
              new BigDecimal(minNotional)));
    }
    return this;
  }

  /** Sets the mark price: pushed to subscribers; fires the algo stops it crosses. */
  public void setMarkPrice(Symbol symbol, BigDecimal price) {
    setMarkPrice(symbol.value(), price);
  }

  public void setMarkPrice(String symbol, BigDecimal price) {
    if (price.signum() <= 0) {
      throw new IllegalArgumentException("mark price must be > 0");
    }
    synchronized (lock) {
      venue.setMark(symbol, price);
    }
  }

  /**
   * Mark and last contract price apart: MARK_PRICE stops watch the first, CONTRACT_PRICE stops the
   * second, and a priceProtect stop waits while they differ by more than triggerProtect.
   */
  public void setPrices(String symbol, BigDecimal mark, BigDecimal contract) {
    if (mark.signum() <= 0 || contract.signum() <= 0) {
      throw new IllegalArgumentException("prices must be > 0");
    }
    synchronized (lock) {
      venue.setPrices(symbol, mark, contract);
    }
  }

  /**
   * An algo order placed by hand (the web UI uses the same endpoint): {@code params} as the venue
   * takes them, {@code algoType=CONDITIONAL} added.
   */
  public void placeAlgoByHand(Map<String, String> params) {
    Map<String, String> q = new LinkedHashMap<>(params);
    q.put("algoType", "CONDITIONAL");
    synchronized (lock) {
      venue.newAlgoOrder(q);
    }
  }

  /**
   * Lets the account hold up to {@code limit} open conditional orders instead of the venue's 200
   * across all symbols. Not a venue rule: for a load harness that protects more positions than one
   * real account could (on the venue, the 201st stop is refused with -4045).
   */
  public void allowOpenAlgoOrders(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    synchronized (lock) {
      venue.maxOpenAlgoOrders = limit;
    }
  }

  /** Switches the account's position mode as the web UI would (hedge = dual side). */
  public void setHedgeMode(boolean hedge) {
    synchronized (lock) {
      venue.dualSidePosition = hedge;
    }
  }

  public Optional<Integer> leverage(String symbol) {
    synchronized (lock) {
      return Optional.ofNullable(venue.leverage.get(symbol));
    }
  }

  public String marginType(String symbol) {
    synchronized (lock) {
      return venue.marginType.getOrDefault(symbol, "CROSSED");
    }
  }

  /** A position opened elsewhere (by hand); returns the id of the order that opened it. */
  public long seedPosition(String symbol, BigDecimal signedAmount, BigDecimal entryPrice) {
    synchronized (lock) {
      return venue.seedPosition(symbol, signedAmount, entryPrice);
    }
  }

  /** The position disappears without an order of ours (liquidation, closed on the venue's UI). */
  public void closeExternally(String symbol) {
    synchronized (lock) {
      venue.closeExternally(symbol);
    }
  }

  /** Cancels an algo order as the venue's UI would. */
  public void cancelAlgoExternally(String clientAlgoId) {
    synchronized (lock) {
      venue.cancelAlgoOrder(Map.of("clientAlgoId", clientAlgoId));
    }
  }

  public BigDecimal positionAmount(String symbol) {
    synchronized (lock) {
      return venue.position(symbol).map(p -> p.amount).orElse(BigDecimal.ZERO);
    }
  }

  /** The status of an algo order by client id ({@code NEW}, {@code CANCELED}, ...). */
  public Optional<String> algoStatus(String clientAlgoId) {
    synchronized (lock) {
      return Optional.ofNullable(venue.algosByClientId.get(clientAlgoId)).map(a -> a.status);
    }
  }

  public long openAlgoCount(String symbol) {
    synchronized (lock) {
      return venue.algos.values().stream().filter(a -> a.open() && a.symbol.equals(symbol)).count();
    }
  }

  /** A working algo order as the venue lists it: its client id and trigger price. */
  public record OpenStop(String clientAlgoId, BigDecimal triggerPrice) {}

  /** The working algo orders on {@code symbol}, ours and foreign, oldest first. */
  public List<OpenStop> openStops(String symbol) {
    synchronized (lock) {
      return venue.algos.values().stream()
          .filter(a -> a.open() && a.symbol.equals(symbol))
          .map(a -> new OpenStop(a.clientAlgoId, a.triggerPrice))
          .toList();
    }
  }

  /**
   * How many regular orders carry this client id (more than one once an order that freed its id was
   * followed by another with the same id: ids are unique among open orders only).
   */
  public int ordersWithClientId(String clientOrderId) {
    synchronized (lock) {
      return (int)
          venue.orders.values().stream().filter(o -> o.clientOrderId.equals(clientOrderId)).count();
    }
  }

  /** How many algo orders carry this client id (open or not). */
  public int algosWithClientId(String clientAlgoId) {
    synchronized (lock) {
      return (int)
          venue.algos.values().stream().filter(a -> a.clientAlgoId.equals(clientAlgoId)).count();
    }
  }

  public int orderCount() {
    synchronized (lock) {
      return venue.orders.size();
    }
  }

  // ------------------------------------------------------------------ streams

  /** Every connection closes without a close handshake (a network failure). */
  public void dropStreams() {
    ws.dropAll();
  }

  /**
   * A flapping venue: every stream connection is dropped (as a network failure) this long after it
   * opened, until {@link #stopFlapping()}. Inferred behaviour of a venue under trouble; the venue
   * documents only its own 24 h limit.
   */
  public void flapStreams(Duration every) {
    synchronized (lock) {
      stopFlapping();
      flapping =
          delayer.scheduleWithFixedDelay(
              ws::dropAll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  public void stopFlapping() {
    synchronized (lock) {
      if (flapping != null) {
        flapping.cancel(false);
        flapping = null;
      }
    }
  }

  /**
   * The REST weight of every request received so far, by the venue's weights per endpoint
   * (positionRisk 5, userTrades 5, positionSide/dual 30, openAlgoOrders 1 with a symbol and 40
   * without, order endpoints 0, the others 1).
   */
  public long requestWeight() {
    return requests.stream()
        .mapToLong(
            r -> {
              Endpoint e = endpoints.get(r.method() + " " + r.path());
              return e == null ? 0 : e.weightOf(r.params());
            })
        .sum();
  }

  /**
   * Every stream connection reaches the venue's 24 h limit now and the venue closes it. Source: "A
   * connection lives at most 24 h" (the venue's WebSocket rules); how it ends is inferred: a server
   * ending a connection on purpose sends a close frame (1001, going away), and the listen key stays
   * valid, since its life is kept by the keep-alive, not by the connection.
   */
  public void closeStreamsAtDayLimit() {
    ws.closeAll(EmulatorWebSocketServer.Route.PRIVATE, 1001, "connection reached its 24 h limit");
    ws.closeAll(EmulatorWebSocketServer.Route.MARKET, 1001, "connection reached its 24 h limit");
  }

  /** The current user-data connections hang: no more frames, no pongs. */
  public void stallUserStream() {
    ws.stall(EmulatorWebSocketServer.Route.PRIVATE);
  }

  /** The current market connections hang: no more frames, no pongs. */
  public void stallMarketStream() {
    ws.stall(EmulatorWebSocketServer.Route.MARKET);
  }

  /** The listen key expires: {@code listenKeyExpired} is pushed and the key stops working. */
  public void expireListenKey() {
    synchronized (lock) {
      if (listenKey == null) {
        return;
      }
      String frame = Frames.listenKeyExpired(listenKey, serverTime());
      userFrames.add(frame);
      ws.sendUser(listenKey, "listenKeyExpired", frame);
      listenKey = null;
    }
  }

  /** Sends a raw text frame to every user-data connection (malformed-message tests). */
  public void sendRawUserFrame(String frame) {
    ws.sendRawUser(frame);
  }

  public void sendRawMarketFrame(String frame) {
    ws.sendRawMarket(frame);
  }

  public Optional<String> activeListenKey() {
    synchronized (lock) {
      return Optional.ofNullable(listenKey);
    }
  }

  public int listenKeyKeepAlives() {
    synchronized (lock) {
      return keepAlives;
    }
  }

  /** The resource (path and query) of every stream connection opened, in order. */
  public List<String> openedStreams() {
    return ws.openedResources();
  }

  public int userConnections() {
    return ws.openConnections(EmulatorWebSocketServer.Route.PRIVATE);
  }

  public int marketConnections() {
    return ws.openConnections(EmulatorWebSocketServer.Route.MARKET);
  }

  public java.util.Set<String> marketSubscriptions() {
    return ws.marketSubscriptions();
  }

  /** Text frames the clients sent on the stream connections (SUBSCRIBE requests). */
  public List<String> streamRequests() {
    return ws.receivedMessages();
  }

  /** Every user-data frame the venue published, in order. */
  public List<String> userFrames() {
    return List.copyOf(userFrames);
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  public long requestCount(String method, String path) {
    return requests.stream()
        .filter(r -> r.method().equals(method) && r.path().equals(path))
        .count();
  }

  public long serverTime() {
    return clock.now().toEpochMilli() + faults.skewMillis();
  }

  @Override
  public void close() {
    http.stop(0);
    httpExecutor.shutdownNow();
    delayer.shutdownNow();
    try {
      ws.stop(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ REST

  private void addDefaultInstruments() {
    addInstrument("BTCUSDT", "0.10", "0.001", "0.001", "120", "100");
    addInstrument("ETHUSDT", "0.01", "0.001", "0.001", "2000", "20");
    addInstrument("DOGEUSDT", "0.00001", "1", "1", "1000000", "5");
  }

  private void registerEndpoints() {
    endpoint("GET /fapi/v1/time", Security.PUBLIC, false, 1, p -> serverTimeBody());
    endpoint("GET /fapi/v1/exchangeInfo", Security.PUBLIC, false, 1, p -> venue.exchangeInfo());
    endpoint("GET /fapi/v1/premiumIndex", Security.PUBLIC, false, 1, venue::premiumIndex);
    endpoint("POST /fapi/v1/order", Security.SIGNED, true, 0, venue::newOrder);
    endpoint("GET /fapi/v1/order", Security.SIGNED, false, 1, venue::queryOrder);
    endpoint("DELETE /fapi/v1/order", Security.SIGNED, false, 1, venue::cancelOrder);
    endpoint("GET /fapi/v1/openOrders", Security.SIGNED, false, 1, venue::openOrders);
    endpoint("POST /fapi/v1/algoOrder", Security.SIGNED, true, 0, venue::newAlgoOrder);
    endpoint("GET /fapi/v1/algoOrder", Security.SIGNED, false, 1, venue::queryAlgoOrder);
    endpoint("DELETE /fapi/v1/algoOrder", Security.SIGNED, false, 1, venue::cancelAlgoOrder);
    // "symbol optional; weight 1, or 40 without symbol" (the venue's docs of GET openAlgoOrders).
    endpoints.put(
        "GET /fapi/v1/openAlgoOrders",
        new Endpoint(
            Security.SIGNED, false, p -> p.containsKey("symbol") ? 1 : 40, venue::openAlgoOrders));
    endpoint(
        "GET /fapi/v1/positionSide/dual",
        Security.SIGNED,
        false,
        30,
        p -> venue.positionSideDual());
    endpoint("POST /fapi/v1/leverage", Security.SIGNED, false, 1, venue::changeLeverage);
    endpoint("POST /fapi/v1/marginType", Security.SIGNED, false, 1, venue::changeMarginType);
    endpoint("GET /fapi/v3/positionRisk", Security.SIGNED, false, 5, p -> venue.positionRiskV3());
    endpoint("GET /fapi/v2/positionRisk", Security.SIGNED, false, 5, p -> venue.positionRiskV2());
    endpoint("GET /fapi/v1/userTrades", Security.SIGNED, false, 5, venue::userTrades);
    endpoint("POST /fapi/v1/listenKey", Security.API_KEY, false, 1, p -> createListenKey());
    endpoint("PUT /fapi/v1/listenKey", Security.API_KEY, false, 1, p -> keepAliveListenKey());
    endpoint("DELETE /fapi/v1/listenKey", Security.API_KEY, false, 1, p -> closeListenKey());
  }

  private void endpoint(String key, Security s, boolean order, int weight, Handler h) {
    endpoints.put(key, new Endpoint(s, order, p -> weight, h));
  }

  private JsonObject serverTimeBody() {
    JsonObject j = new JsonObject();
    j.addProperty("serverTime", serverTime());
    return j;
  }

  private void handle(HttpExchange exchange) {
    Response response;
    try {
      response = respond(exchange);
    } catch (RuntimeException | IOException e) {
      response = error(500, -1000, "emulator failure: " + e);
    }
    Duration latency =
        faults.latency(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
    Response r = response;
    if (latency.isPositive()) {
      delayer.schedule(() -> write(exchange, r), latency.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      write(exchange, r);
    }
  }

  private Response respond(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    String rawQuery = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
    String rawBody;
    try (InputStream in = exchange.getRequestBody()) {
      rawBody = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Optional<String> key =
        Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-MBX-APIKEY"));
    Map<String, String> params = new LinkedHashMap<>(decode(rawQuery));
    params.putAll(decode(rawBody));
    requests.add(new RecordedRequest(method, path, rawQuery, key, Map.copyOf(params), clock.now()));

    Endpoint endpoint = endpoints.get(method + " " + path);
    if (endpoint == null) {
      return new Response(404, "<html><body><h2>404 Not found</h2></body></html>", Map.of());
    }
    Optional<Faults.Scripted> fault = faults.take(method, path);
    if (fault.isPresent() && !fault.get().afterEffect()) {
      return fault.get().response();
    }
    boolean exempt =
        "true".equalsIgnoreCase(params.get("reduceOnly"))
            || "true".equalsIgnoreCase(params.get("closePosition"));
    if (endpoint.placesOrder() && !exempt && faults.takeThrottle()) {
      return error(
          503,
          -1008,
          "Server is currently overloaded with other requests. Please try again in a few minutes.");
    }
    if (endpoint.security() != Security.PUBLIC) {
      if (key.isEmpty() || key.get().isBlank()) {
        return error(401, -2014, "API-key format invalid.");
      }
      if (!key.get().equals(apiKey) && !extraKeys.containsKey(key.get())) {
        return error(401, -2015, "Invalid API-key, IP, or permissions for action.");
      }
    }
    if (endpoint.security() == Security.SIGNED) {
      Optional<Response> refused =
          verifySignature(rawQuery, rawBody, params, extraKeys.getOrDefault(key.get(), apiSecret));
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    if (endpoint.placesOrder()) {
      Optional<Faults.Scripted> reject = faults.takeOrderReject();
      if (reject.isPresent()) {
        return reject.get().response();
      }
    }
    if (fault.isPresent() && fault.get().lateBy() != null) {
      // The venue answers ambiguously now and applies the request later: until then a query
      // finds nothing (-2013). Inferred from the venue's own words on -1007/-1006 ("execution
      // status unknown") and from bot maintainers' reports of orders that appeared after their
      // -2013, minutes late.
      Duration late = fault.get().lateBy();
      delayer.schedule(
          () -> {
            synchronized (lock) {
              try {
                endpoint.handler().handle(params);
              } catch (VenueError e) {
                // Refused when it finally ran: there is nobody left to tell.
              }
            }
          },
          late.toMillis(),
          TimeUnit.MILLISECONDS);
      return fault.get().response();
    }
    Response answer;
    synchronized (lock) {
      try {
        JsonElement body = endpoint.handler().handle(params);
        answer = new Response(200, body.toString(), new LinkedHashMap<>());
      } catch (VenueError e) {
        answer = error(e.status, e.code, e.getMessage());
      }
      countUsage(endpoint, params, answer);
    }
    if (fault.isPresent()) {
      return fault.get().response(); // the effect happened; the answer is lost
    }
    return answer;
  }

  private void countUsage(Endpoint endpoint, Map<String, String> params, Response answer) {
    long now = serverTime();
    long minute = now / 60_000;
    if (minute != weightWindow) {
      weightWindow = minute;
      usedWeight = 0;
    }
    usedWeight += endpoint.weightOf(params);
    answer
        .headers()
        .put("X-MBX-USED-WEIGHT-1M", Long.toString(faults.usedWeight().orElse(usedWeight)));
    if (endpoint.placesOrder()) {
      if (now / 10_000 != orderWindow10s) {
        orderWindow10s = now / 10_000;
        orders10s = 0;
      }
      if (minute != orderWindow1m) {
        orderWindow1m = minute;
        orders1m = 0;
      }
      orders10s++;
      orders1m++;
      answer.headers().put("X-MBX-ORDER-COUNT-10S", Long.toString(orders10s));
      answer.headers().put("X-MBX-ORDER-COUNT-1M", Long.toString(orders1m));
    }
  }

  /**
   * The venue's rules: {@code signature = hex(HMAC_SHA256(secret, totalParams))} where totalParams
   * is the query string (without the signature) concatenated with the body; and {@code timestamp <
   * serverTime + 1000 && serverTime - timestamp <= recvWindow}.
   */
  private Optional<Response> verifySignature(
      String rawQuery, String rawBody, Map<String, String> params, String secret) {
    String signature = params.get("signature");
    if (signature == null) {
      return Optional.of(
          error(
              400,
              -1102,
              "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."));
    }
    String timestamp = params.get("timestamp");
    if (timestamp == null) {
      return Optional.of(
          error(
              400,
              -1102,
              "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed."));
    }
    String totalParams = withoutSignature(rawQuery) + withoutSignature(rawBody);
    if (!hmac(secret, totalParams).equalsIgnoreCase(signature)) {
      return Optional.of(error(400, -1022, "Signature for this request is not valid."));
    }
    long recvWindow = Long.parseLong(params.getOrDefault("recvWindow", "5000"));
    if (recvWindow > 60_000) {
      return Optional.of(error(400, -1131, "recvWindow must be less than 60000"));
    }
    long ts = Long.parseLong(timestamp);
    long server = serverTime();
    if (ts >= server + 1000) {
      return Optional.of(
          error(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."));
    }
    if (server - ts > recvWindow) {
      return Optional.of(
          error(400, -1021, "Timestamp for this request is outside of the recvWindow."));
    }
    return Optional.empty();
  }

  private static String withoutSignature(String raw) {
    if (raw.isEmpty()) {
      return raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    for (String part : raw.split("&")) {
      if (part.startsWith("signature=")) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append('&');
      }
      out.append(part);
    }
    return out.toString();
  }

  private static String hmac(String secret, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject createListenKey() {
    long now = serverTime();
    if (listenKey == null || now >= listenKeyExpiresAt) {
      listenKey = token(32);
    }
    listenKeyExpiresAt = now + Duration.ofMinutes(60).toMillis();
    JsonObject j = new JsonObject();
    j.addProperty("listenKey", listenKey);
    return j;
  }

  private JsonObject keepAliveListenKey() {
    long now = serverTime();
    if (listenKey == null || now >= listenKeyExpiresAt) {
      throw VenueError.badRequest(
          -1125,
          "This listenKey does not exist. Please use `POST /fapi/v1/listenKey` to recreate `listenKey`");
    }
    keepAlives++;
    listenKeyExpiresAt = now + Duration.ofMinutes(60).toMillis();
    JsonObject j = new JsonObject();
    j.addProperty("listenKey", listenKey);
    return j;
  }

  private JsonObject closeListenKey() {
    if (listenKey != null) {
      ws.closeUser(listenKey);
      listenKey = null;
    }
    return new JsonObject();
  }

  private boolean listenKeyValid(String key) {
    synchronized (lock) {
      return listenKey != null && listenKey.equals(key) && serverTime() < listenKeyExpiresAt;
    }
  }

  private void publishUser(String frame) {
    userFrames.add(frame);
    String type = frame.substring(frame.indexOf("\"e\":\"") + 5);
    type = type.substring(0, type.indexOf('"'));
    if (listenKey == null) {
      return;
    }
    String key = listenKey;
    String eventType = type;
    Duration late = faults.eventDelay(type);
    if (late.isPositive()) {
      // Frames of one type keep their order (one scheduler, equal delays); across types the
      // venue promises no order (User Data Streams: events are ordered by T and E within one
      // event type only), so a later type may overtake an earlier one.
      delayer.schedule(
          () -> ws.sendUser(key, eventType, frame), late.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      ws.sendUser(key, eventType, frame);
    }
  }

  private static Response error(int status, int code, String msg) {
    JsonObject j = new JsonObject();
    j.addProperty("code", code);
    j.addProperty("msg", msg);
    return new Response(status, j.toString(), new LinkedHashMap<>());
  }

  private static void write(HttpExchange exchange, Response r) {
    try (exchange) {
      byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      r.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      exchange.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      // The client gave up (a timeout test): nothing to answer to.
    }
  }

  private static Map<String, String> decode(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      out.put(
          URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private String token(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  // ------------------------------------------------------------------ faults

  /** Fault modes of the emulated venue. Every knob applies to REST requests from now on. */
  public static final class Faults {
    record Scripted(
        String method,
        String path,
        int status,
        int code,
        String msg,
        Integer retryAfter,
        boolean afterEffect,
        Duration lateBy) {
      Response response() {
        Map<String, String> headers = new LinkedHashMap<>();
        if (retryAfter != null) {
          headers.put("Retry-After", Integer.toString(retryAfter));
        }
        if (code == 0) {
          return new Response(status, msg, headers);
        }
        JsonObject j = new JsonObject();
        j.addProperty("code", code);
        j.addProperty("msg", msg);
        return new Response(status, j.toString(), headers);
      }
    }

    private final Deque<Scripted> scripted = new ArrayDeque<>();
    private final Deque<Scripted> orderRejects = new ArrayDeque<>();
    private final Map<String, Duration> pathLatency = new LinkedHashMap<>();
    private final Map<String, Duration> eventDelays = new LinkedHashMap<>();
    private Duration latency = Duration.ZERO;
    private long skewMillis;
    private int throttled;
    private Long usedWeight;

    /** Every REST answer is delayed by this much (the request takes effect first). */
    public synchronized Faults latency(Duration value) {
      latency = value;
      return this;
    }

    /** Every answer to {@code method path} is delayed by this much (the request takes effect). */
    public synchronized Faults latency(String method, String path, Duration value) {
      pathLatency.put(method + " " + path, value);
      return this;
    }

    /**
     * The next request to {@code method path} is answered at once with this ambiguous error (-1007
     * in a 408, -1006/-1000 or a plain 5xx) and takes effect {@code lateBy} later; until then the
     * venue does not know it (a query answers -2013).
     */
    public synchronized Faults applyLate(
        String method, String path, Duration lateBy, int status, int code, String msg) {
      scripted.add(new Scripted(method, path, status, code, msg, null, true, lateBy));
      return this;
    }

    /** {@link #applyLate} with the venue's -1007 timeout answer. */
    public Faults timeoutAndApplyLate(String method, String path, Duration lateBy) {
      return applyLate(
          method,
          path,
          lateBy,
          408,
          -1007,
          "Timeout waiting for response from backend server. Send status unknown; execution status unknown.");
    }

    /**
     * User-data events of {@code type} (ORDER_TRADE_UPDATE, ALGO_UPDATE, ...) reach the clients
     * this much later than the others, so events of different types arrive out of their causal
     * order, as the venue allows; within one type the order is kept.
     */
    public synchronized Faults delayEvents(String type, Duration by) {
      eventDelays.put(type, by);
      return this;
    }

    synchronized Duration eventDelay(String type) {
      return eventDelays.getOrDefault(type, Duration.ZERO);
    }

    /** The venue's clock runs ahead (positive) or behind (negative) the test's clock. */
    public synchronized Faults clockSkew(Duration value) {
      skewMillis = value.toMillis();
      return this;
    }

    /**
     * The next {@code times} requests to {@code method path} (null = any) are refused with this
     * status and body before taking effect. {@code code == 0} answers {@code msg} as a plain body.
     */
    public synchronized Faults failNext(
        String method, String path, int times, int status, int code, String msg) {
      for (int i = 0; i < times; i++) {
        scripted.add(new Scripted(method, path, status, code, msg, null, false, null));
      }
      return this;
    }

    /**
     * The next request to {@code method path} gets this raw answer instead of the venue's, without
     * taking effect (malformed answers, odd rows).
     */
    public Faults answerNext(String method, String path, int status, String body) {
      return failNext(method, path, 1, status, 0, body);
    }

    /** The next request to {@code method path} takes effect, but its answer is this error. */
    public synchronized Faults failNextAfterEffect(
        String method, String path, int status, int code, String msg) {
      scripted.add(new Scripted(method, path, status, code, msg, null, true, null));
      return this;
    }

    /**
     * The next {@code times} requests to {@code method path} get a 5xx without effect. Faults name
     * their path: a background request (a listen-key keep-alive) must not take a fault meant for
     * the request under test.
     */
    public Faults serverErrorNext(String method, String path, int times) {
      return failNext(method, path, times, 503, 0, "Service Unavailable.");
    }

    /**
     * The next request to {@code method path} takes effect and times out inside the venue (-1007).
     */
    public Faults timeoutAfterEffect(String method, String path) {
      return failNextAfterEffect(
          method,
          path,
          408,
          -1007,
          "Timeout waiting for response from backend server. Send status unknown; execution status unknown.");
    }

    /** The next {@code times} requests to {@code method path} get 429 or 418 with Retry-After. */
    public synchronized Faults rateLimitNext(
        String method, String path, int times, int status, int retryAfterSeconds) {
      int code = status == 429 ? -1003 : -1003;
      String msg =
          status == 418
              ? "Way too many requests; IP banned until later."
              : "Too many requests; current limit is 2400 requests per minute.";
      for (int i = 0; i < times; i++) {
        scripted.add(new Scripted(method, path, status, code, msg, retryAfterSeconds, false, null));
      }
      return this;
    }

    /** The next {@code times} orders that are neither reduce-only nor close-position get -1008. */
    public synchronized Faults throttleOrders(int times) {
      throttled += times;
      return this;
    }

    /** The next order (market or algo) is refused with this code. */
    public synchronized Faults rejectNextOrder(int code, String msg) {
      orderRejects.add(new Scripted(null, null, 400, code, msg, null, false, null));
      return this;
    }

    /** Every answer reports this used weight in X-MBX-USED-WEIGHT-1M. */
    public synchronized Faults reportUsedWeight(long weight) {
      usedWeight = weight;
      return this;
    }

    public synchronized Faults clear() {
      scripted.clear();
      orderRejects.clear();
      latency = Duration.ZERO;
      pathLatency.clear();
      eventDelays.clear();
      skewMillis = 0;
      throttled = 0;
      usedWeight = null;
      return this;
    }

    synchronized Duration latency(String method, String path) {
      return pathLatency.getOrDefault(method + " " + path, latency);
    }

    synchronized long skewMillis() {
      return skewMillis;
    }

    synchronized Optional<Long> usedWeight() {
      return Optional.ofNullable(usedWeight);
    }

    synchronized Optional<Scripted> take(String method, String path) {
      Iterator<Scripted> it = scripted.iterator();
      while (it.hasNext()) {
        Scripted s = it.next();
        if ((s.method() == null || s.method().equals(method))
            && (s.path() == null || s.path().equals(path))) {
          it.remove();
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }

    synchronized Optional<Scripted> takeOrderReject() {
      return Optional.ofNullable(orderRejects.pollFirst());
    }

    synchronized boolean takeThrottle() {
      if (throttled > 0) {
        throttled--;
        return true;
      }
      return false;
    }
  }
}
