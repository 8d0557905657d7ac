package io.positionkeeper.bybit.ws;

import java.net.URI;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * One WebSocket connection, used once (a reconnect is a new instance). Callbacks run on the
 * connection's thread; the owner hands them to its own loop. Carries no secret: Bybit's stream URLs
 * have none, and the auth message is sent by the owner.
 */
public final class WsClient {
  /** What a connection reports. */
  public interface Listener {
    void opened(WsClient client);

    void text(WsClient client, String text);

    void closed(WsClient client, String reason);
  }

  private final String name;
  private final Client client;
  private volatile long lastInboundNanos = System.nanoTime();

  public WsClient(String name, URI uri, Listener listener) {
    this.name = name;
    this.client = new Client(uri, listener);
  }

  public void connect() {
    client.connect();
  }

  public void send(String text) {
    if (client.isOpen()) {
      client.send(text);
    }
  }

  public boolean isOpen() {
    return client.isOpen();
  }

  /** Milliseconds since anything arrived. */
  public long silentMillis() {
    return (System.nanoTime() - lastInboundNanos) / 1_000_000;
  }

  public void close() {
    client.close();
  }

  /** Cuts the connection without a closing handshake (a stalled peer would not answer one). */
  public void abort() {
    client.closeConnection(1006, "stalled");
  }

  @Override
  public String toString() {
    return "WsClient[" + name + "]";
  }

  private final class Client extends WebSocketClient {
    private final Listener listener;
    private volatile boolean reported;

    Client(URI uri, Listener listener) {
      super(uri);
      this.listener = listener;
      setConnectionLostTimeout(0); // Bybit wants JSON pings; the owner sends them.
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
      lastInboundNanos = System.nanoTime();
      listener.opened(WsClient.this);
    }

    @Override
    public void onMessage(String message) {
      lastInboundNanos = System.nanoTime();
      listener.text(WsClient.this, message);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      report(code + " " + reason + (remote ? " (by the venue)" : ""));
    }

    @Override
    public void onError(Exception ex) {
      report(ex.getClass().getSimpleName() + ": " + ex.getMessage());
    }

    private void report(String reason) {
      if (!reported) {
        reported = true;
        listener.closed(WsClient.this, reason);
      }
    }
  }
}
