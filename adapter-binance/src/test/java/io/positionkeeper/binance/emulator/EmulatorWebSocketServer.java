package io.positionkeeper.binance.emulator;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The venue's stream endpoints on 127.0.0.1, routed as Binance routes them since 2026: {@code
 * /private/ws/<listenKey>} (or {@code /private/ws?listenKey=&events=}) for user data, {@code
 * /market/stream?streams=a/b} (combined frames) and {@code /market/ws/<stream>} (raw frames) for
 * market data. Any other path connects and stays silent, like the venue's unrouted URLs.
 */
final class EmulatorWebSocketServer extends WebSocketServer {

  enum Route {
    PRIVATE,
    MARKET,
    SILENT
  }

  static final class Session {
    final Route route;
    final String resource;
    final String listenKey;
    final boolean combined;
    final Set<String> streams = new LinkedHashSet<>();
    final Set<String> events = new LinkedHashSet<>();
    volatile boolean stalled;

    Session(Route route, String resource, String listenKey, boolean combined) {
      this.route = route;
      this.resource = resource;
      this.listenKey = listenKey;
      this.combined = combined;
    }
  }

  private final Predicate<String> listenKeyValid;
  private final CountDownLatch started = new CountDownLatch(1);
  private final List<String> opened = new CopyOnWriteArrayList<>();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private volatile Exception startFailure;

  EmulatorWebSocketServer(Predicate<String> listenKeyValid) {
    super(new InetSocketAddress("127.0.0.1", 0));
    this.listenKeyValid = listenKeyValid;
    setReuseAddr(true);
    setDaemon(true);
    // The venue pings every 3 minutes; tests drive liveness explicitly instead.
    setConnectionLostTimeout(0);
  }

  void awaitStart() {
    try {
      if (!started.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("emulator WebSocket server did not start");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (startFailure != null) {
      throw new IllegalStateException("emulator WebSocket server failed", startFailure);
    }
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    String resource = handshake.getResourceDescriptor();
    opened.add(resource);
    String path = resource;
    String query = "";
    int q = resource.indexOf('?');
    if (q >= 0) {
      path = resource.substring(0, q);
      query = resource.substring(q + 1);
    }
    Session session;
    if (path.startsWith("/private/ws")) {
      String key =
          path.startsWith("/private/ws/")
              ? path.substring("/private/ws/".length())
              : param(query, "listenKey");
      session = new Session(Route.PRIVATE, resource, key, false);
      String events = param(query, "events");
      if (!events.isEmpty()) {
        session.events.addAll(List.of(events.split("/")));
      }
      conn.setAttachment(session);
      if (!listenKeyValid.test(key)) {
        conn.close(1008, "This listenKey does not exist.");
      }
      return;
    }
    if (path.equals("/market/stream")) {
      session = new Session(Route.MARKET, resource, "", true);
      String streams = param(query, "streams");
      if (!streams.isEmpty()) {
        session.streams.addAll(List.of(streams.split("/")));
      }
    } else if (path.startsWith("/market/ws")) {
      session = new Session(Route.MARKET, resource, "", false);
      if (path.startsWith("/market/ws/")) {
        session.streams.add(path.substring("/market/ws/".length()));
      }
    } else {
      session = new Session(Route.SILENT, resource, "", false);
    }
    conn.setAttachment(session);
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    received.add(message);
    Session session = conn.getAttachment();
    if (session == null || session.route != Route.MARKET) {
      return;
    }
    JsonObject request;
    try {
      request = JsonParser.parseString(message).getAsJsonObject();
    } catch (RuntimeException e) {
      conn.send("{\"error\":{\"code\":2,\"msg\":\"Invalid request\"},\"id\":null}");
      return;
    }
    String method = request.has("method") ? request.get("method").getAsString() : "";
    JsonElement id = request.get("id");
    List<String> params = new ArrayList<>();
    if (request.has("params")) {
      request.getAsJsonArray("params").forEach(p -> params.add(p.getAsString()));
    }
    synchronized (session) {
      switch (method) {
        case "SUBSCRIBE" -> session.streams.addAll(params);
        case "UNSUBSCRIBE" -> params.forEach(session.streams::remove);
        default -> {
          conn.send("{\"error\":{\"code\":2,\"msg\":\"Invalid request\"},\"id\":" + id + "}");
          return;
        }
      }
    }
    conn.send("{\"result\":null,\"id\":" + id + "}");
  }

  @Override
  public void onWebsocketPing(WebSocket conn, Framedata f) {
    Session session = conn.getAttachment();
    if (session != null && session.stalled) {
      return; // a hung connection answers nothing
    }
    super.onWebsocketPing(conn, f);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      startFailure = ex;
      started.countDown();
    }
  }

  // ------------------------------------------------------------------ publishing

  void sendUser(String activeKey, String type, String frame) {
    for (WebSocket conn : sessions(Route.PRIVATE)) {
      Session s = conn.getAttachment();
      if (s.stalled || !s.listenKey.equals(activeKey)) {
        continue;
      }
      if (!s.events.isEmpty() && !s.events.contains(type)) {
        continue;
      }
      sendQuietly(conn, frame);
    }
  }

  void sendMark(String symbol, String frame) {
    String lower = symbol.toLowerCase(java.util.Locale.ROOT);
    for (WebSocket conn : sessions(Route.MARKET)) {
      Session s = conn.getAttachment();
      if (s.stalled) {
        continue;
      }
      String stream = null;
      synchronized (s) {
        for (String name : new String[] {lower + "@markPrice@1s", lower + "@markPrice"}) {
          if (s.streams.contains(name)) {
            stream = name;
            break;
          }
        }
      }
      if (stream == null) {
        continue;
      }
      sendQuietly(
          conn, s.combined ? "{\"stream\":\"" + stream + "\",\"data\":" + frame + "}" : frame);
    }
  }

  /** Sends a raw frame to every user-data connection (malformed-message tests). */
  void sendRawUser(String frame) {
    for (WebSocket conn : sessions(Route.PRIVATE)) {
      sendQuietly(conn, frame);
    }
  }

  void sendRawMarket(String frame) {
    for (WebSocket conn : sessions(Route.MARKET)) {
      sendQuietly(conn, frame);
    }
  }

  /** Closes every connection without a close handshake, as a network failure does. */
  void dropAll() {
    for (WebSocket conn : List.copyOf(getConnections())) {
      conn.closeConnection(1006, "dropped by the emulator");
    }
  }

  /**
   * Closes every connection of a route with a close frame, as the venue ends a connection on
   * purpose (its 24 h limit); the client sees a clean close, not a network failure.
   */
  void closeAll(Route route, int code, String reason) {
    for (WebSocket conn : sessions(route)) {
      conn.close(code, reason);
    }
  }

  void closeUser(String listenKey) {
    for (WebSocket conn : sessions(Route.PRIVATE)) {
      Session s = conn.getAttachment();
      if (s.listenKey.equals(listenKey)) {
        conn.close(1000, "listenKey closed");
      }
    }
  }

  /** The current connections of a route hang: no frames, no pongs. New connections work. */
  void stall(Route route) {
    for (WebSocket conn : sessions(route)) {
      ((Session) conn.getAttachment()).stalled = true;
    }
  }

  List<String> openedResources() {
    return List.copyOf(opened);
  }

  List<String> receivedMessages() {
    return List.copyOf(received);
  }

  int openConnections(Route route) {
    return sessions(route).size();
  }

  Set<String> marketSubscriptions() {
    Set<String> all = new LinkedHashSet<>();
    for (WebSocket conn : sessions(Route.MARKET)) {
      Session s = conn.getAttachment();
      synchronized (s) {
        all.addAll(s.streams);
      }
    }
    return all;
  }

  private List<WebSocket> sessions(Route route) {
    Collection<WebSocket> all = getConnections();
    List<WebSocket> out = new ArrayList<>();
    for (WebSocket conn : all) {
      Session s = conn.getAttachment();
      if (s != null && s.route == route && conn.isOpen()) {
        out.add(conn);
      }
    }
    return out;
  }

  private static void sendQuietly(WebSocket conn, String frame) {
    try {
      conn.send(frame);
    } catch (org.java_websocket.exceptions.WebsocketNotConnectedException e) {
      // closed between the check and the send: the frame is lost, as on the venue's socket
    }
  }

  private static String param(String query, String name) {
    for (String part : query.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).equals(name)) {
        return URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }
}
