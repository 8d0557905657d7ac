package io.positionkeeper.bybit.http;

import com.google.gson.JsonObject;
import io.positionkeeper.bybit.auth.Signer;
import io.positionkeeper.bybit.config.BybitConfig;
import io.positionkeeper.bybit.parse.Wire;
import io.positionkeeper.bybit.parse.WireFormatException;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.OutcomeUnknownException;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.RetryableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST transport: stamps, signs and sends one request, reads the {@code {retCode, retMsg,
 * result}} envelope, and translates every failure into the port's taxonomy at this edge:
 *
 * <ul>
 *   <li>retCode 0 and the "not modified" codes are answers;
 *   <li>{@code 10006} and {@code 10018} are {@link RateLimitedException} until {@code
 *       X-Bapi-Limit-Reset-Timestamp}; HTTP 403 (the IP limit) waits the documented ten minutes;
 *   <li>{@code 10002} re-measures the server clock and is sent once more, re-signed (it was
 *       refused, so nothing took effect);
 *   <li>anything that leaves a write in doubt (a timeout, a connection lost after sending, 5xx,
 *       {@code 10016}, a body that is not the envelope) is {@link OutcomeUnknownException} for
 *       writes and {@link RetryableException} for reads; it is never sent again here;
 *   <li>every other retCode is {@link RejectedException} with the code and the venue's message.
 * </ul>
 *
 * <p>Log lines and messages name the method and path, never the key, the signature or a header.
 */
public final class BybitHttp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BybitHttp.class);
  private static final Duration IP_BAN = Duration.ofMinutes(10);

  /** How a request authenticates and whether it changes state. */
  public enum Access {
    PUBLIC,
    /** Signed, changes nothing: safe to repeat. */
    READ,
    /** Signed, changes state: an ambiguous answer is outcome unknown. */
    WRITE
  }

  /** The envelope's {@code result}, what the retCode meant, and the venue's {@code time}. */
  public record Answer(JsonObject result, int retCode, Instant venueTime) {
    public boolean notModified() {
      return RetCode.of(retCode) == RetCode.NOT_MODIFIED;
    }
  }

  private final BybitConfig config;
  private final Signer signer;
  private final Clock clock;
  private final ServerClock serverClock;
  private final HttpClient client;
  private final String base;

  public BybitHttp(BybitConfig config, Signer signer, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.serverClock = new ServerClock(clock);
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(config.requestTimeout())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    String b = config.restBaseUrl().toString();
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
  }

  /** A GET; {@code query} is the query string without {@code ?}, signed exactly as sent. */
  public Answer get(String path, String query, Access access) {
    return send("GET", path, query, "", access, true);
  }

  /** A signed POST of a JSON body that changes state. */
  public Answer post(String path, String jsonBody) {
    return send("POST", path, "", jsonBody, Access.WRITE, true);
  }

  /**
   * Now on the venue's clock as this client knows it: the local clock corrected by the offset the
   * last {@link #resyncClock()} measured. Every signed timestamp uses it, REST and the private
   * stream's login alike, so one resync mends both.
   */
  public long venueNowMillis() {
    return serverClock.nowMillis();
  }

  /** The venue's time, which also re-measures the offset used for timestamps. */
  public Instant resyncClock() {
    Instant sent = clock.now();
    Answer a = send("GET", "/v5/market/time", "", "", Access.PUBLIC, false);
    Instant received = clock.now();
    serverClock.adopt(a.venueTime().toEpochMilli(), sent, received);
    return a.venueTime();
  }

  private Answer send(
      String method, String path, String query, String body, Access access, boolean mayResync) {
    HttpRequest request = build(method, path, query, body, access);
    HttpResponse<String> response = exchange(method, path, request, access);
    Answer answer = read(method, path, response, access);
    if (answer != null) {
      return answer;
    }
    // 10002: refused for the timestamp, so nothing took effect and one re-signed send is safe.
    if (!mayResync) {
      throw new RetryableException(method + " " + path + ": 10002 again after a clock resync");
    }
    log.warn("{} {}: 10002 (timestamp outside recv window); resyncing the clock", method, path);
    resyncClock();
    return send(method, path, query, body, access, false);
  }

  private HttpRequest build(String method, String path, String query, String body, Access a) {
    URI uri = URI.create(base + path + (query.isEmpty() ? "" : "?" + query));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(config.requestTimeout());
    if (a != Access.PUBLIC) {
      long ts = venueNowMillis();
      long recv = config.recvWindow().toMillis();
      String payload = "GET".equals(method) ? query : body;
      b.header("X-BAPI-API-KEY", signer.apiKey())
          .header("X-BAPI-TIMESTAMP", Long.toString(ts))
          .header("X-BAPI-RECV-WINDOW", Long.toString(recv))
          .header("X-BAPI-SIGN-TYPE", "2")
          .header("X-BAPI-SIGN", signer.signRest(ts, recv, payload));
    }
    if ("GET".equals(method)) {
      return b.GET().build();
    }
    return b.header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> exchange(
      String method, String path, HttpRequest request, Access access) {
    String what = method + " " + path;
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw new RetryableException(
          what + ": could not connect (" + e.getClass().getSimpleName() + ")", e);
    } catch (HttpTimeoutException e) {
      throw doubt(access, what + ": no answer within " + config.requestTimeout(), e);
    } catch (IOException e) {
      throw doubt(access, what + ": connection failed after sending: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw doubt(access, what + ": interrupted while waiting for the answer", e);
    }
  }

  /** The answer, or null for a 10002 the caller may resync for. */
  private Answer read(String method, String path, HttpResponse<String> r, Access access) {
    String what = method + " " + path;
    int status = r.statusCode();
    if (status == 403) {
      throw new RateLimitedException(what + ": HTTP 403, the IP rate limit", IP_BAN);
    }
    if (status == 429) {
      throw new RateLimitedException(what + ": HTTP 429, system protection", Duration.ofSeconds(1));
    }
    if (status >= 500) {
      throw doubt(access, what + ": HTTP " + status, null);
    }
    if (status != 200) {
      throw new RejectedException("http-" + status, what + ": " + excerpt(r.body()));
    }
    JsonObject envelope;
    int code;
    try {
      envelope = Wire.object(r.body());
      code = (int) Wire.number(envelope, "retCode");
    } catch (WireFormatException e) {
      throw doubt(access, what + ": answer is not the envelope: " + e.getMessage(), e);
    }
    String msg = Wire.optionalText(envelope, "retMsg").orElse("");
    log.debug("{} -> retCode {} {}", what, code, msg);
    return switch (RetCode.of(code)) {
      case OK, NOT_MODIFIED -> answer(envelope, code);
      case RATE_LIMITED ->
          throw new RateLimitedException(what + ": " + code + " " + msg, untilReset(r));
      case CLOCK_SKEW -> null;
      case SERVER_ERROR -> throw doubt(access, what + ": " + code + " " + msg, null);
      case REJECTED -> throw new RejectedException(Integer.toString(code), msg);
    };
  }

  private Answer answer(JsonObject envelope, int code) {
    JsonObject result =
        envelope.has("result") && envelope.get("result").isJsonObject()
            ? envelope.getAsJsonObject("result")
            : new JsonObject();
    Instant time = envelope.has("time") ? Wire.millis(envelope, "time") : clock.now();
    return new Answer(result, code, time);
  }

  private Duration untilReset(HttpResponse<String> r) {
    return r.headers()
        .firstValue("X-Bapi-Limit-Reset-Timestamp")
        .map(
            v -> {
              try {
                long wait = Long.parseLong(v.trim()) - serverClock.nowMillis();
                return Duration.ofMillis(Math.max(0, wait));
              } catch (NumberFormatException e) {
                log.warn("X-Bapi-Limit-Reset-Timestamp is not a number: '{}'; waiting 1 s", v);
                return Duration.ofSeconds(1);
              }
            })
        .orElse(Duration.ofSeconds(1));
  }

  private static PortException doubt(Access access, String message, Throwable cause) {
    return access == Access.WRITE
        ? new OutcomeUnknownException(message, cause)
        : new RetryableException(message, cause);
  }

  private static String excerpt(String body) {
    String b = body == null ? "" : body.strip();
    return b.length() <= 200 ? b : b.substring(0, 200) + "…";
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "BybitHttp[" + base + "]";
  }
}
