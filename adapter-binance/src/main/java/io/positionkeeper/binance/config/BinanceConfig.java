package io.positionkeeper.binance.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the adapter connects and how patient it is. Base URLs are configuration: mainnet, testnet,
 * or any URL (the emulator on 127.0.0.1). Stream URLs are the <em>routed</em> bases that Binance
 * requires since 2026-04-23: an unrouted stream URL connects and then stays silent.
 *
 * @param restBaseUrl REST base, e.g. {@code https://fapi.binance.com}
 * @param marketStreamUrl market-data route, e.g. {@code wss://fstream.binance.com/market}
 * @param privateStreamUrl user-data route, e.g. {@code wss://fstream.binance.com/private}
 * @param recvWindow how long a signed request stays valid at the venue (max 60 s)
 * @param connectTimeout TCP/TLS connect timeout of REST calls
 * @param requestTimeout how long a REST call may take before its outcome is unknown
 * @param listenKeyKeepAlive how often the listen key is extended (it lives 60 min)
 * @param maxConnectionAge reconnect proactively before the venue's 24 h limit
 * @param pingInterval send a ping when nothing was received for this long
 * @param stallTimeout reconnect when nothing (message, ping or pong) was received for this long
 * @param reconnectMinBackoff first reconnect delay; doubles up to {@code reconnectMaxBackoff}
 * @param reconnectMaxBackoff longest reconnect delay
 * @param housekeepingInterval how often the streams check their timers
 * @param exchangeInfoTtl how long instrument rules are cached
 * @param timeResyncInterval how often the server-time offset is re-measured
 * @param connectionStableAfter a stream connection that lived this long resets the reconnect
 *     backoff; shorter-lived ones (a flapping venue) keep growing it
 * @param resyncMinInterval the least time between the starts of two REST resyncs
 */
public record BinanceConfig(
    URI restBaseUrl,
    URI marketStreamUrl,
    URI privateStreamUrl,
    Duration recvWindow,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration listenKeyKeepAlive,
    Duration maxConnectionAge,
    Duration pingInterval,
    Duration stallTimeout,
    Duration reconnectMinBackoff,
    Duration reconnectMaxBackoff,
    Duration housekeepingInterval,
    Duration exchangeInfoTtl,
    Duration timeResyncInterval,
    Duration connectionStableAfter,
    Duration resyncMinInterval) {

  public BinanceConfig {
    requireBase(restBaseUrl, "restBaseUrl", "http", "https");
    requireBase(marketStreamUrl, "marketStreamUrl", "ws", "wss");
    requireBase(privateStreamUrl, "privateStreamUrl", "ws", "wss");
    positive(recvWindow, "recvWindow");
    if (recvWindow.toMillis() > 60_000) {
      throw new IllegalArgumentException("recvWindow must be at most 60 s, was " + recvWindow);
    }
    positive(connectTimeout, "connectTimeout");
    positive(requestTimeout, "requestTimeout");
    positive(listenKeyKeepAlive, "listenKeyKeepAlive");
    if (listenKeyKeepAlive.compareTo(Duration.ofMinutes(60)) >= 0) {
      throw new IllegalArgumentException(
          "listenKeyKeepAlive must be below the key's 60 min life, was " + listenKeyKeepAlive);
    }
    positive(maxConnectionAge, "maxConnectionAge");
    if (maxConnectionAge.compareTo(Duration.ofHours(24)) >= 0) {
      throw new IllegalArgumentException(
          "maxConnectionAge must be below the venue's 24 h limit, was " + maxConnectionAge);
    }
    positive(pingInterval, "pingInterval");
    positive(stallTimeout, "stallTimeout");
    if (stallTimeout.compareTo(pingInterval) <= 0) {
      throw new IllegalArgumentException(
          "stallTimeout ("
              + stallTimeout
              + ") must exceed pingInterval ("
              + pingInterval
              + ") so a ping can be answered");
    }
    positive(reconnectMinBackoff, "reconnectMinBackoff");
    positive(reconnectMaxBackoff, "reconnectMaxBackoff");
    if (reconnectMaxBackoff.compareTo(reconnectMinBackoff) < 0) {
      throw new IllegalArgumentException("reconnectMaxBackoff must be >= reconnectMinBackoff");
    }
    positive(housekeepingInterval, "housekeepingInterval");
    positive(exchangeInfoTtl, "exchangeInfoTtl");
    positive(timeResyncInterval, "timeResyncInterval");
    positive(connectionStableAfter, "connectionStableAfter");
    positive(resyncMinInterval, "resyncMinInterval");
  }

  /** Binance USDⓈ-M futures production. */
  public static BinanceConfig mainnet() {
    return of(
        URI.create("https://fapi.binance.com"),
        URI.create("wss://fstream.binance.com/market"),
        URI.create("wss://fstream.binance.com/private"));
  }

  /** Binance USDⓈ-M futures testnet. */
  public static BinanceConfig testnet() {
    return of(
        URI.create("https://testnet.binancefuture.com"),
        URI.create("wss://fstream.binancefuture.com/market"),
        URI.create("wss://fstream.binancefuture.com/private"));
  }

  /** Any venue speaking the Binance protocol (the emulator), with default timings. */
  public static BinanceConfig of(URI restBaseUrl, URI marketStreamUrl, URI privateStreamUrl) {
    return new BinanceConfig(
        restBaseUrl,
        marketStreamUrl,
        privateStreamUrl,
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofMinutes(30),
        Duration.ofHours(23).plusMinutes(30),
        Duration.ofSeconds(30),
        Duration.ofSeconds(90),
        Duration.ofMillis(250),
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        Duration.ofMinutes(10),
        Duration.ofMinutes(30),
        Duration.ofMinutes(1),
        Duration.ofSeconds(5));
  }

  public BinanceConfig withRequestTimeout(Duration value) {
    return new BinanceConfig(
        restBaseUrl,
        marketStreamUrl,
        privateStreamUrl,
        recvWindow,
        connectTimeout,
        value,
        listenKeyKeepAlive,
        maxConnectionAge,
        pingInterval,
        stallTimeout,
        reconnectMinBackoff,
        reconnectMaxBackoff,
        housekeepingInterval,
        exchangeInfoTtl,
        timeResyncInterval,
        connectionStableAfter,
        resyncMinInterval);
  }

  public BinanceConfig withStreamTimings(
      Duration listenKeyKeepAlive,
      Duration maxConnectionAge,
      Duration pingInterval,
      Duration stallTimeout,
      Duration housekeepingInterval) {
    return new BinanceConfig(
        restBaseUrl,
        marketStreamUrl,
        privateStreamUrl,
        recvWindow,
        connectTimeout,
        requestTimeout,
        listenKeyKeepAlive,
        maxConnectionAge,
        pingInterval,
        stallTimeout,
        reconnectMinBackoff,
        reconnectMaxBackoff,
        housekeepingInterval,
        exchangeInfoTtl,
        timeResyncInterval,
        connectionStableAfter,
        resyncMinInterval);
  }

  public BinanceConfig withReconnectBackoff(Duration min, Duration max) {
    return new BinanceConfig(
        restBaseUrl,
        marketStreamUrl,
        privateStreamUrl,
        recvWindow,
        connectTimeout,
        requestTimeout,
        listenKeyKeepAlive,
        maxConnectionAge,
        pingInterval,
        stallTimeout,
        min,
        max,
        housekeepingInterval,
        exchangeInfoTtl,
        timeResyncInterval,
        connectionStableAfter,
        resyncMinInterval);
  }

  public BinanceConfig withRestartPacing(Duration stableAfter, Duration minResyncInterval) {
    return new BinanceConfig(
        restBaseUrl,
        marketStreamUrl,
        privateStreamUrl,
        recvWindow,
        connectTimeout,
        requestTimeout,
        listenKeyKeepAlive,
        maxConnectionAge,
        pingInterval,
        stallTimeout,
        reconnectMinBackoff,
        reconnectMaxBackoff,
        housekeepingInterval,
        exchangeInfoTtl,
        timeResyncInterval,
        stableAfter,
        minResyncInterval);
  }

  private static void requireBase(URI uri, String field, String... schemes) {
    Objects.requireNonNull(uri, field);
    String scheme = uri.getScheme();
    boolean ok = false;
    for (String s : schemes) {
      ok |= s.equalsIgnoreCase(scheme);
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
