package io.positionkeeper.bybit;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.positionkeeper.bybit.auth.Signer;
import io.positionkeeper.bybit.config.BybitConfig;
import io.positionkeeper.bybit.parse.EventMapper;
import io.positionkeeper.bybit.parse.Frame;
import io.positionkeeper.bybit.parse.TickerBook;
import io.positionkeeper.bybit.parse.Wire;
import io.positionkeeper.bybit.ws.Backoff;
import io.positionkeeper.bybit.ws.WsClient;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.ExchangePosition;
import io.positionkeeper.ports.model.PositionSnapshot;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExchangeStreams} on Bybit v5: the private stream ({@code op:auth} with {@code
 * GET/realtime} + expires, then {@code position}, {@code order}, {@code execution}) and the public
 * linear stream ({@code tickers.<symbol>}, snapshot and deltas merged). Both are pinged with JSON
 * every {@code pingInterval} and cut when silent for {@code stallTimeout}. After every (re)connect
 * of the private stream: re-auth, resubscribe, a REST resync of the positions, then {@code
 * RESYNCED}. Private events are delivered once ({@link Delivered}): repeats, views older than one
 * delivered and resync answers older than a live update are dropped. Reconnects back off with
 * jitter. All state lives on one loop thread.
 */
public final class BybitStreams implements ExchangeStreams {
  private static final Logger log = LoggerFactory.getLogger(BybitStreams.class);
  private static final long AUTH_EXPIRY_MILLIS = 10_000;

  private final BybitConfig config;
  private final Signer signer;
  private final BybitGateway gateway;
  private final StopIds stopIds;
  private final Clock clock;
  private final ScheduledExecutorService loop;
  private final EventMapper mapper;
  private final TickerBook tickers = new TickerBook();
  private final Backoff privateBackoff;
  private final Backoff publicBackoff;
  private final Set<Symbol> watched = new HashSet<>();
  private final Delivered delivered = new Delivered(10_000);
  private volatile ConnectionState state = ConnectionState.DISCONNECTED;
  private StreamListener listener;
  private WsClient privateWs;
  private WsClient publicWs;
  private boolean closed;
  private long reqIds;

  BybitStreams(
      BybitConfig config, Signer signer, BybitGateway gateway, StopIds stopIds, Clock clock) {
    this.config = config;
    this.signer = signer;
    this.gateway = gateway;
    this.stopIds = stopIds;
    this.clock = clock;
    this.mapper = new EventMapper(stopIds::idOf);
    this.privateBackoff =
        new Backoff(
            config.reconnectMinBackoff(),
            config.reconnectMaxBackoff(),
            () -> ThreadLocalRandom.current().nextDouble());
    this.publicBackoff =
        new Backoff(
            config.reconnectMinBackoff(),
            config.reconnectMaxBackoff(),
            () -> ThreadLocalRandom.current().nextDouble());
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "bybit-streams");
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.loop = executor;
  }

  @Override
  public void start(StreamListener listener) {
    Objects.requireNonNull(listener, "listener");
    loop.execute(
        () -> {
          if (this.listener != null) {
            throw new IllegalStateException("streams already started");
          }
          this.listener = listener;
          connectPrivate();
          connectPublic();
        });
    long period = config.pingInterval().toMillis();
    loop.scheduleAtFixedRate(this::housekeeping, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void watchMarkPrices(Set<Symbol> symbols) {
    Set<Symbol> wanted = Set.copyOf(symbols);
    loop.execute(
        () -> {
          Set<Symbol> added = new HashSet<>(wanted);
          added.removeAll(watched);
          Set<Symbol> removed = new HashSet<>(watched);
          removed.removeAll(wanted);
          watched.clear();
          watched.addAll(wanted);
          removed.forEach(s -> tickers.forget(s.value()));
          if (publicWs != null && publicWs.isOpen()) {
            send(publicWs, "unsubscribe", topics(removed));
            send(publicWs, "subscribe", topics(added));
          }
        });
  }

  @Override
  public ConnectionState connectionState() {
    return state;
  }

  @Override
  public void close() {
    if (loop.isShutdown()) {
      return;
    }
    loop.execute(
        () -> {
          closed = true;
          if (privateWs != null) {
            privateWs.close();
          }
          if (publicWs != null) {
            publicWs.close();
          }
        });
    loop.shutdown();
    try {
      if (!loop.awaitTermination(2, TimeUnit.SECONDS)) {
        loop.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      loop.shutdownNow();
    }
  }

  private void connectPrivate() {
    if (closed) {
      return;
    }
    setState(ConnectionState.CONNECTING, "connecting the private stream");
    privateWs = new WsClient("private", config.privateStreamUrl(), new Handler(true));
    privateWs.connect();
  }

  private void connectPublic() {
    if (closed) {
      return;
    }
    publicWs = new WsClient("public", config.publicStreamUrl(), new Handler(false));
    publicWs.connect();
  }

  /** Routes a connection's callbacks onto the loop; stale connections are ignored there. */
  private final class Handler implements WsClient.Listener {
    private final boolean isPrivate;

    Handler(boolean isPrivate) {
      this.isPrivate = isPrivate;
    }

    @Override
    public void opened(WsClient c) {
      onLoop(
          () -> {
            if (current(c)) {
              if (isPrivate) {
                authenticate(c);
              } else {
                send(c, "subscribe", topics(watched));
              }
            }
          });
    }

    @Override
    public void text(WsClient c, String text) {
      onLoop(
          () -> {
            if (current(c)) {
              receive(c, isPrivate, text);
            }
          });
    }

    @Override
    public void closed(WsClient c, String reason) {
      onLoop(
          () -> {
            if (current(c)) {
              lost(isPrivate, reason);
            }
          });
    }

    private boolean current(WsClient c) {
      return !closed && c == (isPrivate ? privateWs : publicWs);
    }
  }

  private void authenticate(WsClient c) {
    // Bybit refuses a login whose expiry is not in its future, so it is signed on the venue's
    // clock as REST timestamps are; on the bare local clock a resync would mend REST but not this.
    long expires = gateway.venueNowMillis() + AUTH_EXPIRY_MILLIS;
    JsonObject auth = new JsonObject();
    auth.addProperty("req_id", Long.toString(++reqIds));
    auth.addProperty("op", "auth");
    JsonArray args = new JsonArray();
    args.add(signer.apiKey());
    args.add(expires);
    args.add(signer.signStreamAuth(expires));
    auth.add("args", args);
    c.send(auth.toString());
  }

  private void receive(WsClient c, boolean isPrivate, String text) {
    Frame frame;
    try {
      frame = Frame.of(text);
    } catch (RuntimeException e) {
      log.warn(
          "{} stream: unreadable message skipped: {}",
          isPrivate ? "private" : "public",
          e.getMessage());
      return;
    }
    switch (frame) {
      case Frame.Pong p -> log.trace("pong");
      case Frame.AuthResult a -> authenticated(c, a);
      case Frame.SubscribeResult s -> subscribed(isPrivate, s);
      case Frame.Private p -> privateRows(p);
      case Frame.Ticker t -> ticker(t);
      case Frame.Other o -> log.debug("ignored message: {}", o.what());
    }
  }

  private void authenticated(WsClient c, Frame.AuthResult a) {
    if (!a.success()) {
      log.warn("private stream: auth refused: {}", a.message());
      remeasureClock();
      c.close();
      return;
    }
    send(c, "subscribe", List.of("position", "order", "execution"));
  }

  /**
   * A refused login may be an expiry the venue reads as past (the local clock behind, and no signed
   * REST call since to show it): the offset is measured again, so the next login signs on it.
   */
  private void remeasureClock() {
    try {
      gateway.serverTime();
    } catch (PortException e) {
      log.warn("private stream: clock resync after a refused login failed: {}", e.getMessage());
    }
  }

  private void subscribed(boolean isPrivate, Frame.SubscribeResult s) {
    if (!s.success()) {
      log.warn(
          "{} stream: subscription refused: {}", isPrivate ? "private" : "public", s.message());
      return;
    }
    if (isPrivate && state != ConnectionState.RESYNCED) {
      setState(ConnectionState.CONNECTED, "authenticated and subscribed");
      resync();
    } else if (!isPrivate) {
      publicBackoff.reset();
    }
  }

  /** REST view after a (re)connect; what happened while disconnected reaches the listener here. */
  private void resync() {
    PositionSnapshot snapshot;
    try {
      snapshot = gateway.positions();
    } catch (PortException e) {
      log.warn("resync failed, reconnecting: {}", e.getMessage());
      privateWs.close();
      return;
    }
    for (ExchangePosition p : snapshot.positions()) {
      StreamEvent.PositionChanged event =
          new StreamEvent.PositionChanged(
              p.symbol(), p.signedSize(), p.entryPrice(), p.updatedAt());
      if (delivered.admitResync(event)) {
        deliver(event);
      }
    }
    privateBackoff.reset();
    setState(ConnectionState.RESYNCED, "positions refreshed over REST");
  }

  private void privateRows(Frame.Private p) {
    if ("execution".equals(p.topic())) {
      for (JsonObject row : p.rows()) {
        io.positionkeeper.bybit.parse.EventMapper.corporateAction(row)
            .ifPresent(
                f ->
                    log.info(
                        "corporate action on {}: size changed by {} without a trade",
                        f.symbol(),
                        f.quantity()));
      }
    }
    List<StreamEvent> events;
    try {
      events = mapper.map(p);
    } catch (RuntimeException e) {
      log.warn("private '{}' message could not be read: {}", p.topic(), e.getMessage());
      return;
    }
    for (StreamEvent e : events) {
      if (delivered.admit(e)) {
        deliver(e);
      }
      if (e instanceof StreamEvent.StopChanged s && s.status().isFinal()) {
        stopIds.gone(s.symbol());
      }
    }
  }

  private void ticker(Frame.Ticker t) {
    try {
      var mark = tickers.merge(t.symbol(), t.type(), Wire.decimal(t.data(), "markPrice"));
      if (mark.isPresent() && t.data().has("markPrice")) {
        deliver(
            new StreamEvent.MarkPriceChanged(
                Symbol.of(t.symbol()), mark.get(), java.time.Instant.ofEpochMilli(t.ts())));
      }
    } catch (RuntimeException e) {
      log.warn("ticker message for {} could not be read: {}", t.symbol(), e.getMessage());
    }
  }

  private void lost(boolean isPrivate, String reason) {
    var delay = (isPrivate ? privateBackoff : publicBackoff).next();
    log.warn(
        "{} stream lost ({}); reconnecting in {} ms",
        isPrivate ? "private" : "public",
        reason,
        delay.toMillis());
    if (isPrivate) {
      setState(ConnectionState.DISCONNECTED, "private stream lost: " + reason);
      loop.schedule(this::connectPrivate, delay.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      loop.schedule(this::connectPublic, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void housekeeping() {
    long stall = config.stallTimeout().toMillis();
    for (WsClient c : new WsClient[] {privateWs, publicWs}) {
      if (c == null || !c.isOpen()) {
        continue;
      }
      if (c.silentMillis() > stall) {
        log.warn("{}: nothing received for {} ms; reconnecting", c, c.silentMillis());
        c.abort();
      } else {
        JsonObject ping = new JsonObject();
        ping.addProperty("req_id", Long.toString(++reqIds));
        ping.addProperty("op", "ping");
        c.send(ping.toString());
      }
    }
  }

  private void send(WsClient c, String op, List<String> args) {
    if (args.isEmpty()) {
      return;
    }
    JsonObject m = new JsonObject();
    m.addProperty("req_id", Long.toString(++reqIds));
    m.addProperty("op", op);
    JsonArray a = new JsonArray();
    args.forEach(a::add);
    m.add("args", a);
    c.send(m.toString());
  }

  private static List<String> topics(Set<Symbol> symbols) {
    return symbols.stream().sorted().map(s -> "tickers." + s.value()).toList();
  }

  private void setState(ConnectionState next, String detail) {
    state = next;
    deliver(new StreamEvent.ConnectionChanged(next, detail, clock.now()));
  }

  private void deliver(StreamEvent event) {
    if (closed || listener == null) {
      return;
    }
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      // The listener's failure is its own; the stream goes on with the next event.
      log.error("stream listener failed on {}", event.getClass().getSimpleName(), e);
    }
  }

  private void onLoop(Runnable r) {
    try {
      loop.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("stream callback after close dropped");
    }
  }
}
