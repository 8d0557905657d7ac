package io.positionkeeper.binance.http;

import com.google.gson.JsonElement;
import io.positionkeeper.binance.auth.Credentials;
import io.positionkeeper.binance.auth.RequestSigner;
import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.parse.Json;
import io.positionkeeper.binance.parse.RestDecoder;
import io.positionkeeper.binance.parse.WireFormatException;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST transport: signs, stamps and sends one request, honours rate limits, and translates
 * every failure into the port's taxonomy at this edge:
 *
 * <ul>
 *   <li>definitive venue refusals (4xx with a code) become {@link RejectedException} with the
 *       venue's code ({@code "-2019"}) and message;
 *   <li>429/418/-1003/-1015/-1008 become {@link io.positionkeeper.ports.RateLimitedException} with
 *       the wait, and the {@link RateLimiter} holds back further requests of that kind;
 *   <li>answers that leave a state change in doubt (5xx, -1006, -1007, timeouts, a connection lost
 *       after sending) become {@link OutcomeUnknownException} for requests that change state and
 *       {@link RetryableException} for reads;
 *   <li>-1021 (timestamp outside recvWindow) re-measures the server-time offset and is retried
 *       once, re-signed.
 * </ul>
 *
 * <p>Nothing secret is logged or put in an exception message: log lines and messages name the
 * method, the path and the unsigned parameters, never the API key, the signature or the signed URL.
 */
public final class BinanceHttp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BinanceHttp.class);
  private static final String API_KEY_HEADER = "X-MBX-APIKEY";

  /** How a request authenticates. */
  public enum Security {
    /** Market data: nothing. */
    PUBLIC,
    /** Listen-key endpoints: the API-key header only. */
    API_KEY,
    /** TRADE and USER_DATA endpoints: API-key header, timestamp, recvWindow and signature. */
    SIGNED
  }

  /** HTTP methods Binance uses. */
  public enum Method {
    GET,
    POST,
    PUT,
    DELETE
  }

  private final BinanceConfig config;
  private final Credentials credentials;
  private final RequestSigner signer;
  private final HttpClient client;
  private final ServerClock serverClock;
  private final RateLimiter rateLimiter;
  private final String base;

  public BinanceHttp(BinanceConfig config, Credentials credentials, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.signer = new RequestSigner(credentials);
    this.serverClock = new ServerClock(clock);
    this.rateLimiter = new RateLimiter(serverClock);
    String url = config.restBaseUrl().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    boolean tls = "https".equalsIgnoreCase(config.restBaseUrl().getScheme());
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(config.connectTimeout())
            // HTTP/2 over TLS (multiplexed); plain HTTP stays 1.1 rather than attempting h2c.
            .version(tls ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public ServerClock serverClock() {
    return serverClock;
  }

  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  /** Measures the server-time offset with {@code GET /fapi/v1/time}; returns the server time. */
  public long syncTime() {
    Instant sent = serverClock.localNow();
    JsonElement body =
        send(Method.GET, "/fapi/v1/time", Params.create(), Security.PUBLIC, RequestKind.READ);
    Instant received = serverClock.localNow();
    long serverTime = decode("GET /fapi/v1/time", RequestKind.READ, body, RestDecoder::serverTime);
    serverClock.update(serverTime, sent, received);
    log.debug("server time offset {} ms", serverClock.offsetMillis());
    return serverTime;
  }

  /** Sends one request and returns its JSON answer, or throws a {@link PortException}. */
  public JsonElement send(
      Method method, String path, Params params, Security security, RequestKind kind) {
    return send(method, path, params, security, kind, 1);
  }

  /**
   * Sends one request of the venue's request {@code weight}; the client holds it back when it would
   * pass the minute's weight limit.
   */
  public JsonElement send(
      Method method, String path, Params params, Security security, RequestKind kind, int weight) {
    String what = method + " " + path;
    rateLimiter.check(kind, weight);
    if (security == Security.SIGNED && serverClock.stale(config.timeResyncInterval())) {
      syncTime();
    }
    for (int attempt = 1; ; attempt++) {
      Outcome outcome = exchange(method, path, params, security, kind, what);
      if (outcome.body != null) {
        return outcome.body;
      }
      if (outcome.error.code == -1021 && security == Security.SIGNED && attempt == 1) {
        log.warn("{}: timestamp outside recvWindow (-1021); re-measuring server time", what);
        syncTime();
        rateLimiter.check(kind, weight);
        continue;
      }
      throw classify(outcome.status, outcome.error, outcome.retryAfter, kind, what);
    }
  }

  /** Decodes an answer; an unreadable answer to a state change leaves its outcome unknown. */
  public static <T> T decode(
      String what,
      RequestKind kind,
      JsonElement body,
      java.util.function.Function<JsonElement, T> f) {
    try {
      return f.apply(body);
    } catch (WireFormatException e) {
      String message = what + ": unreadable answer: " + e.getMessage();
      if (kind.mutates()) {
        throw new OutcomeUnknownException(message, e);
      }
      throw new RetryableException(message, e);
    }
  }

  private record ErrorInfo(int code, String msg) {}

  private record Outcome(
      JsonElement body, int status, ErrorInfo error, Optional<Duration> retryAfter) {}

  private Outcome exchange(
      Method method, String path, Params params, Security security, RequestKind kind, String what) {
    String query = params.query();
    if (security == Security.SIGNED) {
      StringBuilder q = new StringBuilder(query.length() + 120).append(query);
      if (!q.isEmpty()) {
        q.append('&');
      }
      q.append("recvWindow=")
          .append(config.recvWindow().toMillis())
          .append("&timestamp=")
          .append(serverClock.nowMillis());
      // The body is empty: every parameter travels in the query string, as the official
      // connectors send them, so totalParams is the query string alone.
      String signature = signer.sign(q.toString());
      query = q.append("&signature=").append(signature).toString();
    }
    URI uri = URI.create(query.isEmpty() ? base + path : base + path + "?" + query);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(config.requestTimeout())
            .method(method.name(), HttpRequest.BodyPublishers.noBody());
    if (security != Security.PUBLIC) {
      request.header(API_KEY_HEADER, credentials.apiKey());
    }
    if (log.isDebugEnabled()) {
      log.debug("-> {} [{}]", what, params.query());
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw new RetryableException(what + ": connect timed out; request not sent", sanitize(e));
    } catch (ConnectException e) {
      throw new RetryableException(what + ": connection refused; request not sent", sanitize(e));
    } catch (HttpTimeoutException e) {
      throw ambiguous(kind, what + ": no answer within " + config.requestTimeout(), e);
    } catch (IOException e) {
      throw ambiguous(kind, what + ": connection failed (" + safeMessage(e) + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ambiguous(kind, what + ": interrupted while waiting for the answer", e);
    }
    HttpHeaders headers = response.headers();
    rateLimiter.onResponse(headers);
    int status = response.statusCode();
    String body = response.body() == null ? "" : response.body();
    if (log.isDebugEnabled()) {
      log.debug(
          "<- {} HTTP {} weight={} orders10s={}",
          what,
          status,
          headers.firstValue("x-mbx-used-weight-1m").orElse("-"),
          headers.firstValue("x-mbx-order-count-10s").orElse("-"));
    }
    if (status >= 200 && status < 300) {
      try {
        return new Outcome(
            body.isBlank() ? new com.google.gson.JsonObject() : Json.parse(body),
            status,
            null,
            Optional.empty());
      } catch (WireFormatException e) {
        String message = what + ": HTTP " + status + " with an unreadable body: " + e.getMessage();
        if (kind.mutates()) {
          throw new OutcomeUnknownException(message, e);
        }
        throw new RetryableException(message, e);
      }
    }
    ErrorInfo error =
        RestDecoder.errorBody(body)
            .map(b -> new ErrorInfo(b.code(), b.msg()))
            .orElseGet(() -> new ErrorInfo(0, excerpt(body)));
    if (status >= 500 || status == 408 || status == 429 || status == 418) {
      log.warn("{} -> HTTP {} code {} {}", what, status, error.code, error.msg);
    } else {
      // A definitive refusal travels to the caller as an exception; some are expected answers
      // (-2013 on a query of an order that never landed).
      log.debug("{} -> HTTP {} code {} {}", what, status, error.code, error.msg);
    }
    return new Outcome(null, status, error, retryAfter(headers));
  }

  private PortException classify(
      int status, ErrorInfo error, Optional<Duration> retryAfter, RequestKind kind, String what) {
    int code = error.code;
    if (status == 429 || status == 418 || code == -1003 || code == -1015 || code == -1008) {
      return rateLimiter.onRefused(status, code, retryAfter.orElse(null), kind, what);
    }
    String detail = "HTTP " + status + (code != 0 ? " code " + code : "") + " " + error.msg;
    switch (code) {
      case -1006, -1007, -1000 -> {
        // "Execution status unknown" in the venue's own words.
        return ambiguous(kind, what + ": " + detail, null);
      }
      case -1001 -> {
        // DISCONNECTED: "Internal error; unable to process your request": nothing was done.
        return new RetryableException(what + ": " + detail);
      }
      case -1021 -> {
        return new RetryableException(
            what + ": " + detail + " (after re-measuring the server time offset)");
      }
      default -> {}
    }
    if (status >= 500) {
      return ambiguous(kind, what + ": " + detail, null);
    }
    if (status == 408) {
      return ambiguous(kind, what + ": " + detail, null);
    }
    if (code != 0) {
      return new RejectedException(Integer.toString(code), error.msg);
    }
    return new RejectedException("HTTP_" + status, what + ": " + error.msg);
  }

  private static PortException ambiguous(RequestKind kind, String message, Throwable cause) {
    Throwable safe = cause == null ? null : sanitize(cause);
    if (kind.mutates()) {
      return new OutcomeUnknownException(message + "; query before retrying", safe);
    }
    return new RetryableException(message, safe);
  }

  private static Optional<Duration> retryAfter(HttpHeaders headers) {
    return headers
        .firstValue("Retry-After")
        .flatMap(
            v -> {
              try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
              } catch (NumberFormatException e) {
                log.warn("ignoring unreadable Retry-After '{}'", v);
                return Optional.empty();
              }
            });
  }

  private static String excerpt(String body) {
    String flat = body.replaceAll("\\s+", " ").strip();
    return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
  }

  private static String safeMessage(Throwable e) {
    String m = e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    return redact(m);
  }

  /** Removes anything that looks like a query string (which could carry a signature). */
  static String redact(String text) {
    return text.replaceAll("\\?[^\\s\"']*", "?<redacted>")
        .replaceAll("signature=[0-9a-fA-F]+", "signature=<redacted>");
  }

  /**
   * A copy of a transport exception whose messages cannot carry a signed URL, keeping its type name
   * and stack trace, so it can travel as a cause without leaking.
   */
  static Throwable sanitize(Throwable e) {
    IOException copy = new IOException(e.getClass().getName() + ": " + safeMessage(e));
    copy.setStackTrace(e.getStackTrace());
    if (e.getCause() != null && e.getCause() != e) {
      copy.initCause(sanitize(e.getCause()));
    }
    return copy;
  }

  @Override
  public void close() {
    client.close();
  }
}
