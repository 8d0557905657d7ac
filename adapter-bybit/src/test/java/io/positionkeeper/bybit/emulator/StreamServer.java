package io.positionkeeper.bybit.emulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The private ({@code /v5/private}) and public linear ({@code /v5/public/linear}) streams (B2, B5):
 * private topics only after {@code op:auth}, JSON ping with the pong shape of each channel, and
 * ticker snapshot then deltas.
 */
final class StreamServer extends WebSocketServer {
  private static final class Session {
    final boolean isPrivate;
    volatile boolean authed;
    final Set<String> topics = ConcurrentHashMap.newKeySet();
    // This connection alone went silent ({@link #stallOpen}); a new one works.
    volatile boolean stalled;

    Session(boolean isPrivate) {
      this.isPrivate = isPrivate;
    }
  }

  private final Map<WebSocket, Session> sessions = new ConcurrentHashMap<>();
  private final java.util.List<String> privateFrames =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger privateOpened =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger authRefusals =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger logins =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.CountDownLatch started =
      new java.util.concurrent.CountDownLatch(1);
  private volatile Exception startFailure;
  private final Faults faults;
  private final LongSupplier clock;
  private final BiPredicate<String, Long> authCheck;
  private final java.util.function.Function<String, JsonObject> snapshot;

  StreamServer(
      Faults faults,
      LongSupplier clock,
      BiPredicate<String, Long> authCheck,
      java.util.function.Function<String, JsonObject> snapshot) {
    super(new InetSocketAddress("127.0.0.1", 0));
    this.faults = faults;
    this.clock = clock;
    this.authCheck = authCheck;
    this.snapshot = snapshot;
    setReuseAddr(true);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    String path = handshake.getResourceDescriptor();
    if (!path.startsWith("/v5/private") && !path.startsWith("/v5/public/linear")) {
      // B1: the stream paths; the close code for another path is inferred (policy violation).
      conn.close(1008, "unknown path " + path);
      return;
    }
    boolean isPrivate = path.startsWith("/v5/private");
    if (isPrivate) {
      privateOpened.incrementAndGet();
    }
    sessions.put(conn, new Session(isPrivate));
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    Session s = sessions.get(conn);
    if (s == null || faults.stalled || s.stalled) {
      return; // fault mode "stall": the venue goes silent (a test's choice, not a venue rule)
    }
    JsonObject m = JsonParser.parseString(message).getAsJsonObject();
    String op = m.has("op") ? m.get("op").getAsString() : "";
    String reqId = m.has("req_id") ? m.get("req_id").getAsString() : "";
    switch (op) {
      case "ping" -> conn.send(s.isPrivate ? privatePong(reqId) : publicPong(reqId));
      case "auth" -> auth(conn, s, m);
      case "subscribe" -> subscribe(conn, s, m, reqId);
      case "unsubscribe" -> {
        m.getAsJsonArray("args").forEach(a -> s.topics.remove(a.getAsString()));
        conn.send(ack("unsubscribe", true, "", reqId, s));
      }
      // Inferred: an unknown op is refused in the ack shape of B2 (success false).
      default -> conn.send(ack(op, false, "unknown op " + op, reqId, s));
    }
  }

  private void auth(WebSocket conn, Session s, JsonObject m) {
    JsonArray args = m.getAsJsonArray("args");
    boolean ok =
        s.isPrivate
            && !faults.refuseAuth
            && !refusedNow()
            && args != null
            && args.size() == 3
            && args.get(1).getAsLong() > clock.getAsLong() // B2: expires lies in the future
            && authCheck.test(
                args.get(0).getAsString() + "|" + args.get(2).getAsString(),
                args.get(1).getAsLong());
    s.authed = ok;
    if (ok) {
      logins.incrementAndGet();
    }
    conn.send(ack("auth", ok, ok ? "" : "Request not authorized", null, s));
  }

  private void subscribe(WebSocket conn, Session s, JsonObject m, String reqId) {
    if (s.isPrivate && !s.authed) {
      // Inferred: private topics belong to an authenticated connection (B2 auth precedes them).
      conn.send(ack("subscribe", false, "Request not authorized", reqId, s));
      return;
    }
    for (var a : m.getAsJsonArray("args")) {
      s.topics.add(a.getAsString());
    }
    conn.send(ack("subscribe", true, "", reqId, s));
    if (!s.isPrivate) {
      for (var a : m.getAsJsonArray("args")) {
        String topic = a.getAsString();
        JsonObject data = snapshot.apply(topic.substring("tickers.".length()));
        if (data != null) {
          conn.send(ticker(topic, "snapshot", data));
        }
      }
    }
  }

  private boolean refusedNow() {
    return authRefusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  /** Sends a private message to every authenticated subscriber of its topic. */
  void pushPrivate(JsonObject message) {
    if (faults.stalled) {
      return;
    }
    String text = message.toString();
    privateFrames.add(text);
    String topic = message.get("topic").getAsString();
    sessions.forEach(
        (c, s) -> {
          if (s.isPrivate && s.authed && !s.stalled && s.topics.contains(topic) && c.isOpen()) {
            c.send(text);
          }
        });
  }

  /** Every private message the venue published, in order. */
  java.util.List<String> privateFrames() {
    return java.util.List.copyOf(privateFrames);
  }

  /** How many private connections were opened since the start. */
  int privateOpened() {
    return privateOpened.get();
  }

  /** The connections open now go silent (no messages, no pongs, no close); new ones work. */
  void stallOpen() {
    sessions.values().forEach(s -> s.stalled = true);
  }

  /** The next {@code n} private auth requests are refused. */
  void refuseNextAuths(int n) {
    authRefusals.set(n);
  }

  /** The venue ends every connection with a close frame ({@code code}, {@code reason}). */
  void closeAll(int code, String reason) {
    sessions.keySet().forEach(c -> c.close(code, reason));
  }

  /** Sends a ticker delta of {@code data} to the subscribers of {@code tickers.<symbol>}. */
  void pushTicker(String symbol, JsonObject data) {
    if (faults.stalled) {
      return;
    }
    String topic = "tickers." + symbol;
    String text = ticker(topic, "delta", data);
    sessions.forEach(
        (c, s) -> {
          if (!s.isPrivate && !s.stalled && s.topics.contains(topic) && c.isOpen()) {
            c.send(text);
          }
        });
  }

  /** Sends {@code frame} unchanged to every private (authenticated) or every public connection. */
  void sendRaw(boolean toPrivate, String frame) {
    sessions.forEach(
        (c, s) -> {
          if (s.isPrivate == toPrivate && (!toPrivate || s.authed) && c.isOpen()) {
            try {
              c.send(frame);
            } catch (org.java_websocket.exceptions.WebsocketNotConnectedException closed) {
              // The client closed it between the check and the send (a client may drop a
              // connection that sent it garbage): the frame is lost, as on a dropped connection.
            }
          }
        });
  }

  void dropAll() {
    sessions.keySet().forEach(c -> c.closeConnection(1006, "emulator dropped the connection"));
    sessions.clear();
  }

  int logins() {
    return logins.get();
  }

  int authenticatedSessions() {
    return (int) sessions.values().stream().filter(s -> s.isPrivate && s.authed).count();
  }

  private String ticker(String topic, String type, JsonObject data) {
    JsonObject m = new JsonObject();
    m.addProperty("topic", topic);
    m.addProperty("type", type);
    m.add("data", data);
    m.addProperty("cs", clock.getAsLong());
    m.addProperty("ts", clock.getAsLong());
    return m.toString();
  }

  /** B2: the public linear pong. */
  private static String publicPong(String reqId) {
    JsonObject m = new JsonObject();
    m.addProperty("success", true);
    m.addProperty("ret_msg", "pong");
    m.addProperty("conn_id", "emulator-public");
    m.addProperty("req_id", reqId);
    m.addProperty("op", "ping");
    return m.toString();
  }

  /** B2: the private pong, a different shape. */
  private String privatePong(String reqId) {
    JsonObject m = new JsonObject();
    m.addProperty("req_id", reqId);
    m.addProperty("op", "pong");
    JsonArray args = new JsonArray();
    args.add(Long.toString(clock.getAsLong()));
    m.add("args", args);
    m.addProperty("conn_id", "emulator-private");
    return m.toString();
  }

  private static String ack(String op, boolean ok, String msg, String reqId, Session s) {
    JsonObject m = new JsonObject();
    m.addProperty("success", ok);
    m.addProperty("ret_msg", msg);
    m.addProperty("op", op);
    m.addProperty("conn_id", s.isPrivate ? "emulator-private" : "emulator-public");
    if (reqId != null && !s.isPrivate) {
      m.addProperty("req_id", reqId); // B2: the public ack adds req_id
    }
    return m.toString();
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    sessions.remove(conn);
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn != null) {
      sessions.remove(conn);
    } else {
      startFailure = ex; // the server itself failed (binding the port): no onStart will follow
      started.countDown();
    }
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  /** Waits until the server listens (its port is then known), at most {@code limit}. */
  void awaitStart(java.time.Duration limit) {
    try {
      if (!started.await(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the emulator's stream server did not start in " + limit);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the stream server started", e);
    }
    if (startFailure != null) {
      throw new IllegalStateException("the emulator's stream server failed to start", startFailure);
    }
  }
}
