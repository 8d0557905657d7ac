package io.positionkeeper.bybit.config;

import io.positionkeeper.ports.model.Symbol;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Where the adapter connects and how patient it is: mainnet, testnet, demo, or any URL (the
 * emulator on 127.0.0.1). Built with {@link #mainnet()}, {@link #testnet()}, {@link #demo()} or
 * {@link #custom}, each of which returns a {@link Builder} with the defaults set.
 *
 * @param network whose keys the adapter uses (the environment-variable set of the credentials)
 * @param restBaseUrl REST base, e.g. {@code https://api.bybit.com}
 * @param publicStreamUrl public linear stream, e.g. {@code wss://stream.bybit.com/v5/public/linear}
 * @param privateStreamUrl private stream, e.g. {@code wss://stream.bybit.com/v5/private}
 * @param recvWindow how long a signed request stays valid at the venue (header {@code
 *     X-BAPI-RECV-WINDOW})
 * @param requestTimeout how long a REST call may take before its outcome is unknown
 * @param pingInterval the JSON ping period (Bybit recommends 20 s)
 * @param stallTimeout reconnect when nothing arrived for this long
 * @param reconnectMinBackoff first reconnect delay; doubles, with jitter, up to the maximum
 * @param reconnectMaxBackoff longest reconnect delay
 * @param doubtQueries how many "no such order" answers after an ambiguous send count as absence
 * @param doubtWindow the least time those answers must span
 * @param settleCoins the settle coins whose positions {@code positions()} lists (linear: USDT,
 *     USDC)
 * @param leverage the leverage set on a symbol before its first order, if any
 * @param symbolLeverage leverage of single symbols, set before their first order; it wins over
 *     {@code leverage}
 */
public record BybitConfig(
    Network network,
    URI restBaseUrl,
    URI publicStreamUrl,
    URI privateStreamUrl,
    Duration recvWindow,
    Duration requestTimeout,
    Duration pingInterval,
    Duration stallTimeout,
    Duration reconnectMinBackoff,
    Duration reconnectMaxBackoff,
    int doubtQueries,
    Duration doubtWindow,
    List<String> settleCoins,
    OptionalInt leverage,
    Map<Symbol, Integer> symbolLeverage) {

  /** Which of the venue's environments the keys belong to. */
  public enum Network {
    MAINNET,
    TESTNET,
    DEMO
  }

  public BybitConfig {
    Objects.requireNonNull(network, "network");
    requireBase(restBaseUrl, "restBaseUrl", "http", "https");
    requireBase(publicStreamUrl, "publicStreamUrl", "ws", "wss");
    requireBase(privateStreamUrl, "privateStreamUrl", "ws", "wss");
    positive(recvWindow, "recvWindow");
    positive(requestTimeout, "requestTimeout");
    positive(pingInterval, "pingInterval");
    positive(stallTimeout, "stallTimeout");
    if (stallTimeout.compareTo(pingInterval) <= 0) {
      throw new IllegalArgumentException(
          "stallTimeout (" + stallTimeout + ") must exceed pingInterval (" + pingInterval + ")");
    }
    positive(reconnectMinBackoff, "reconnectMinBackoff");
    positive(reconnectMaxBackoff, "reconnectMaxBackoff");
    if (reconnectMaxBackoff.compareTo(reconnectMinBackoff) < 0) {
      throw new IllegalArgumentException("reconnectMaxBackoff must be >= reconnectMinBackoff");
    }
    if (doubtQueries < 1) {
      throw new IllegalArgumentException("doubtQueries must be >= 1, was " + doubtQueries);
    }
    Objects.requireNonNull(doubtWindow, "doubtWindow");
    if (doubtWindow.isNegative()) {
      throw new IllegalArgumentException("doubtWindow must not be negative, was " + doubtWindow);
    }
    settleCoins = List.copyOf(settleCoins);
    if (settleCoins.isEmpty()) {
      throw new IllegalArgumentException("settleCoins must name at least one coin");
    }
    Objects.requireNonNull(leverage, "leverage");
    if (leverage.isPresent()) {
      checkLeverage(leverage.getAsInt(), "leverage");
    }
    symbolLeverage = Map.copyOf(symbolLeverage);
    symbolLeverage.forEach((symbol, value) -> checkLeverage(value, "leverage of " + symbol));
  }

  /** The leverage to set on {@code symbol} before its first order, if any. */
  public OptionalInt leverageFor(Symbol symbol) {
    Integer own = symbolLeverage.get(symbol);
    return own != null ? OptionalInt.of(own) : leverage;
  }

  // Bybit lists up to 200x on some linear contracts; the venue refuses more than a symbol allows.
  private static void checkLeverage(int value, String field) {
    if (value < 1 || value > 200) {
      throw new IllegalArgumentException(field + " must be 1..200, was " + value);
    }
  }

  /** Bybit production: {@code api.bybit.com}, keys from {@code BYBIT_API_KEY}/... */
  public static Builder mainnet() {
    return new Builder(
        Network.MAINNET,
        URI.create("https://api.bybit.com"),
        URI.create("wss://stream.bybit.com/v5/public/linear"),
        URI.create("wss://stream.bybit.com/v5/private"));
  }

  /** Bybit testnet: {@code api-testnet.bybit.com}. */
  public static Builder testnet() {
    return new Builder(
        Network.TESTNET,
        URI.create("https://api-testnet.bybit.com"),
        URI.create("wss://stream-testnet.bybit.com/v5/public/linear"),
        URI.create("wss://stream-testnet.bybit.com/v5/private"));
  }

  /**
   * Bybit demo trading: REST and private stream on the demo hosts; demo has no public stream of its
   * own, so mark prices come from mainnet's.
   */
  public static Builder demo() {
    return new Builder(
        Network.DEMO,
        URI.create("https://api-demo.bybit.com"),
        URI.create("wss://stream.bybit.com/v5/public/linear"),
        URI.create("wss://stream-demo.bybit.com/v5/private"));
  }

  /** Any venue speaking Bybit v5 (the emulator, a regional host). */
  public static Builder custom(
      Network network, URI restBaseUrl, URI publicStreamUrl, URI privateStreamUrl) {
    return new Builder(network, restBaseUrl, publicStreamUrl, privateStreamUrl);
  }

  /** A copy to adjust one value at a time. */
  public Builder toBuilder() {
    Builder b = new Builder(network, restBaseUrl, publicStreamUrl, privateStreamUrl);
    b.recvWindow = recvWindow;
    b.requestTimeout = requestTimeout;
    b.pingInterval = pingInterval;
    b.stallTimeout = stallTimeout;
    b.reconnectMinBackoff = reconnectMinBackoff;
    b.reconnectMaxBackoff = reconnectMaxBackoff;
    b.doubtQueries = doubtQueries;
    b.doubtWindow = doubtWindow;
    b.settleCoins = settleCoins;
    b.leverage = leverage;
    b.symbolLeverage.putAll(symbolLeverage);
    return b;
  }

  /** Collects the values; {@link #build()} checks them all. */
  public static final class Builder {
    private final Network network;
    private final URI restBaseUrl;
    private final URI publicStreamUrl;
    private final URI privateStreamUrl;
    private Duration recvWindow = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration pingInterval = Duration.ofSeconds(20);
    private Duration stallTimeout = Duration.ofSeconds(60);
    private Duration reconnectMinBackoff = Duration.ofMillis(250);
    private Duration reconnectMaxBackoff = Duration.ofSeconds(30);
    private int doubtQueries = 3;
    private Duration doubtWindow = Duration.ofSeconds(10);
    private List<String> settleCoins = List.of("USDT");
    private OptionalInt leverage = OptionalInt.empty();
    private final Map<Symbol, Integer> symbolLeverage = new LinkedHashMap<>();

    private Builder(Network network, URI rest, URI publicStream, URI privateStream) {
      this.network = network;
      this.restBaseUrl = rest;
      this.publicStreamUrl = publicStream;
      this.privateStreamUrl = privateStream;
    }

    public Builder recvWindow(Duration value) {
      this.recvWindow = value;
      return this;
    }

    public Builder requestTimeout(Duration value) {
      this.requestTimeout = value;
      return this;
    }

    public Builder streamTimings(Duration ping, Duration stall) {
      this.pingInterval = ping;
      this.stallTimeout = stall;
      return this;
    }

    public Builder reconnectBackoff(Duration min, Duration max) {
      this.reconnectMinBackoff = min;
      this.reconnectMaxBackoff = max;
      return this;
    }

    public Builder doubt(int queries, Duration window) {
      this.doubtQueries = queries;
      this.doubtWindow = window;
      return this;
    }

    public Builder settleCoins(List<String> coins) {
      this.settleCoins = coins;
      return this;
    }

    public Builder leverage(int value) {
      this.leverage = OptionalInt.of(value);
      return this;
    }

    /** The leverage of one symbol, set before its first order (wins over {@link #leverage}). */
    public Builder leverage(Symbol symbol, int value) {
      this.symbolLeverage.put(Objects.requireNonNull(symbol, "symbol"), value);
      return this;
    }

    public BybitConfig build() {
      return new BybitConfig(
          network,
          restBaseUrl,
          publicStreamUrl,
          privateStreamUrl,
          recvWindow,
          requestTimeout,
          pingInterval,
          stallTimeout,
          reconnectMinBackoff,
          reconnectMaxBackoff,
          doubtQueries,
          doubtWindow,
          settleCoins,
          leverage,
          symbolLeverage);
    }
  }

  private static void requireBase(URI uri, String field, String... schemes) {
    Objects.requireNonNull(uri, field);
    boolean ok = false;
    for (String s : schemes) {
      ok |= s.equalsIgnoreCase(uri.getScheme());
    }
    if (!ok || uri.getHost() == null) {
      throw new IllegalArgumentException(
          field + " must be an absolute " + String.join("/", schemes) + " URL, was " + uri);
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(field + " must not carry a query or fragment: " + uri);
    }
  }

  private static void positive(Duration d, String field) {
    Objects.requireNonNull(d, field);
    if (!d.isPositive()) {
      throw new IllegalArgumentException(field + " must be > 0, was " + d);
    }
  }
}
