package io.positionkeeper.binance.ws;

import io.positionkeeper.ports.Clock;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection (Java-WebSocket client), used once: a reconnect is a new instance.
 * Callbacks arrive on the connection's own thread; the owner hands them to its loop. Records when
 * anything (a frame, a ping, a pong) last arrived, for stall detection. Its {@link #toString()} and
 * log lines show a redacted address: a user-data URL carries the listen key.
 */
public final class WsConnection {
  private static final Logger log = LoggerFactory.getLogger(WsConnection.class);

  /** What a connection reports to its owner. */
  public interface Listener {
    void opened(WsConnection connection);

    void text(WsConnection connection, String text);

    /** The connection is over (also after a failed connect); called once. */
    void closed(WsConnection connection, int code, String reason, boolean remote);
  }

  private final String name;
  private final String safeAddress;
  private final String secret;
  private final Clock clock;
  private final Client client;
  private volatile Instant lastInbound;
  private volatile Instant openedAt;
  private volatile Instant lastPing;

  /**
   * @param name what the connection is for ("user-data", "market")
   * @param uri the address, possibly carrying a listen key
   * @param safeAddress the address to show in logs, with secrets replaced
   * @param secret a text never to log (the listen key), or empty
   */
  public WsConnection(
      String name,
      URI uri,
      String safeAddress,
      String secret,
      int connectTimeoutMillis,
      Clock clock,
      Listener listener) {
    this.name = Objects.requireNonNull(name, "name");
    this.safeAddress = Objects.requireNonNull(safeAddress, "safeAddress");
    this.secret = Objects.requireNonNull(secret, "secret");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.client = new Client(uri, connectTimeoutMillis, Objects.requireNonNull(listener));
    // Liveness is ours (pings and a stall timeout); the library's own check would race it.
    client.setConnectionLostTimeout(0);
    this.lastInbound = clock.now();
  }

  public String name() {
    return name;
  }

  /** Starts connecting; {@link Listener#opened} or {@link Listener#closed} follows. */
  public void connect() {
    log.debug("{}: connecting to {}", name, safeAddress);
    client.connect();
  }

  /** Sends a text frame; false when the connection is not open (the caller decides). */
  public boolean send(String text) {
    try {
      client.send(text);
      return true;
    } catch (WebsocketNotConnectedException e) {
      log.debug("{}: not connected, frame not sent", name);
      return false;
    }
  }

  public void ping() {
    lastPing = clock.now();
    try {
      client.sendPing();
    } catch (WebsocketNotConnectedException e) {
      log.debug("{}: not connected, ping not sent", name);
    }
  }

  /** Closes with a close handshake. */
  public void close(String reason) {
    client.close(CloseFrame.NORMAL, reason);
  }

  /**
   * Drops the connection at once, without a close handshake (for a peer that stopped answering).
   */
  public void abort(String reason) {
    client.closeConnection(CloseFrame.ABNORMAL_CLOSE, reason);
  }

  public boolean isOpen() {
    return client.isOpen();
  }

  public Instant lastInbound() {
    return lastInbound;
  }

  /** When the connection opened; null before. */
  public Instant openedAt() {
    return openedAt;
  }

  /** When the last ping was sent; null if none. */
  public Instant lastPing() {
    return lastPing;
  }

  /** The text with the secret replaced, for log lines and exception messages. */
  public String redact(String text) {
    if (text == null || secret.isEmpty()) {
      return text;
    }
    return text.replace(secret, "<redacted>");
  }

  @Override
  public String toString() {
    return name + "@" + safeAddress;
  }

  private final class Client extends WebSocketClient {
    private final Listener listener;

    Client(URI uri, int connectTimeoutMillis, Listener listener) {
      super(uri, new Draft_6455(), null, connectTimeoutMillis);
      this.listener = listener;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
      Instant now = clock.now();
      openedAt = now;
      lastInbound = now;
      log.debug("{}: open ({})", name, safeAddress);
      listener.opened(WsConnection.this);
    }

    @Override
    public void onMessage(String message) {
      lastInbound = clock.now();
      listener.text(WsConnection.this, message);
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata f) {
      lastInbound = clock.now();
      super.onWebsocketPing(conn, f); // answers with a pong, as the venue requires
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata f) {
      lastInbound = clock.now();
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      listener.closed(WsConnection.this, code, reason == null ? "" : redact(reason), remote);
    }

    @Override
    public void onError(Exception ex) {
      // onClose follows; the reason is logged here once, without the address.
      log.debug("{}: {}: {}", name, ex.getClass().getSimpleName(), redact(ex.getMessage()));
    }
  }
}
