package io.positionkeeper.binance;

import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.ws.RestartPacer;
import io.positionkeeper.binance.ws.StreamState;
import io.positionkeeper.binance.ws.WsConnection;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExchangeStreams} for Binance USDⓈ-M futures: user data on {@code /private/ws/<listenKey>}
 * (ACCOUNT_UPDATE, ORDER_TRADE_UPDATE, ALGO_UPDATE, TRADE_LITE) and mark prices on {@code
 * /market/stream?streams=<symbol>@markPrice@1s/...}.
 *
 * <p>This class keeps the two connections and the state the listener sees; the parts with one job
 * each are {@link ListenKeys} (create, keep alive, -1125), {@link MarkSubscriptions} (the watched
 * set and its frames), {@link FrameReader} (a frame's meaning), {@link Resyncs} (when the REST
 * {@link StreamResync} runs), {@link RestartPacer} (every delay before a new connection) and {@link
 * StreamLoop} (the threads). Every restart (closed, stalled, rotated before the venue's 24 h limit,
 * listen key expired or gone, no listen key) goes through the link's pacer, so a flapping venue
 * never sees a storm. After every (re)connect, and after any frame that could not be read, {@link
 * ConnectionState#RESYNCED} is reported only once the REST resync completed. Events are
 * de-duplicated and delivered one at a time, in order, on the loop thread.
 */
public final class BinanceStreams implements ExchangeStreams {
  private static final Logger log = LoggerFactory.getLogger(BinanceStreams.class);

  private final BinanceConfig config;
  private final Clock clock;
  private final StreamLoop loop = new StreamLoop();
  private final ListenKeys listenKeys;
  private final MarkSubscriptions marks;
  private final FrameReader frames = new FrameReader();
  private final Resyncs resyncs;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicLong unreadable = new AtomicLong();
  private volatile ConnectionState reported = ConnectionState.DISCONNECTED;

  // ---- loop-confined state
  private final StreamState state = new StreamState(20_000);
  private final Link user;
  private final Link market;
  private final WsListener wsListener = new WsListener();
  private StreamListener listener;
  private boolean closed;
  private long userAttempt;
  private long epoch;
  private boolean synced;

  /** One stream's connection and its restart bookkeeping. */
  private static final class Link {
    final String name;
    final RestartPacer pacer;
    WsConnection connection;
    boolean open;
    boolean attempting;
    ScheduledFuture<?> retry;

    Link(String name, RestartPacer pacer) {
      this.name = name;
      this.pacer = pacer;
    }
  }

  /**
   * Streams of the account behind {@code gateway}, sharing its REST client (rate limits, time
   * offset), configuration and clock.
   */
  public BinanceStreams(BinanceGateway gateway) {
    Objects.requireNonNull(gateway, "gateway");
    this.config = gateway.config();
    this.clock = gateway.clock();
    this.user = new Link("user-data", pacer());
    this.market = new Link("market", pacer());
    this.listenKeys = new ListenKeys(gateway.rest(), loop, clock, config.listenKeyKeepAlive());
    this.marks = new MarkSubscriptions(config.marketStreamUrl());
    this.resyncs =
        new Resyncs(
            loop,
            new StreamResync(gateway.rest()),
            clock,
            config.resyncMinInterval(),
            pacer(),
            new ResyncOwner());
  }

  private RestartPacer pacer() {
    return new RestartPacer(
        config.reconnectMinBackoff(), config.reconnectMaxBackoff(), config.connectionStableAfter());
  }

  @Override
  public void start(StreamListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (closing.get()) {
      throw new IllegalStateException("streams are closed");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("streams already started");
    }
    loop.post(
        () -> {
          this.listener = listener;
          publish(ConnectionState.CONNECTING, "starting");
          connectUser();
          connectMarket();
        });
    loop.every(this::tick, config.housekeepingInterval());
  }

  @Override
  public void watchMarkPrices(Set<Symbol> symbols) {
    Set<Symbol> copy = Set.copyOf(symbols);
    loop.post(() -> applyWatch(copy));
  }

  @Override
  public ConnectionState connectionState() {
    return reported;
  }

  /** How many frames could not be read since the start (each one also triggered a resync). */
  public long unreadableMessages() {
    return unreadable.get();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    loop.runAndStop(
        () -> {
          if (closed) {
            return;
          }
          publish(ConnectionState.DISCONNECTED, "closed");
          closed = true;
          listener = null;
          for (Link link : List.of(user, market)) {
            StreamLoop.cancel(link.retry);
            WsConnection c = link.connection;
            link.connection = null;
            link.open = false;
            if (c != null) {
              c.close("client closed");
            }
          }
          resyncs.close();
          // The listen key is left to expire: the venue hands the same key to every consumer of
          // the account, so deleting it could cut another process off.
        });
  }

  // ------------------------------------------------------------------ connecting

  private void connect(Link link) {
    if (link == user) {
      connectUser();
    } else {
      connectMarket();
    }
  }

  private void connectUser() {
    if (closed || user.connection != null || user.attempting) {
      return;
    }
    StreamLoop.cancel(user.retry);
    user.attempting = true;
    long attempt = ++userAttempt;
    refreshState("connecting the user-data stream");
    listenKeys.create(key -> openUser(attempt, key), e -> userConnectFailed(attempt, e));
  }

  private void openUser(long attempt, String key) {
    if (closed || attempt != userAttempt || !user.attempting || user.connection != null) {
      return; // an attempt that was given up meanwhile
    }
    listenKeys.use(key);
    String base = base(config.privateStreamUrl());
    WsConnection c =
        new WsConnection(
            user.name,
            URI.create(base + "/ws/" + key),
            base + "/ws/<listenKey>",
            key,
            (int) config.connectTimeout().toMillis(),
            clock,
            wsListener);
    user.connection = c;
    c.connect();
  }

  private void userConnectFailed(long attempt, RuntimeException e) {
    if (closed || attempt != userAttempt || !user.attempting) {
      return;
    }
    user.attempting = false;
    logFailure("user-data stream: no listen key", e);
    refreshState("no listen key: " + e.getMessage());
    scheduleRetry(user, e);
  }

  private void connectMarket() {
    if (closed || marks.isEmpty() || market.connection != null || market.attempting) {
      return;
    }
    StreamLoop.cancel(market.retry);
    market.attempting = true;
    URI uri = marks.connectionUrl();
    WsConnection c =
        new WsConnection(
            market.name,
            uri,
            uri.toString(),
            "",
            (int) config.connectTimeout().toMillis(),
            clock,
            wsListener);
    market.connection = c;
    refreshState("connecting the market stream");
    c.connect();
  }

  private void applyWatch(Set<Symbol> symbols) {
    marks.watch(symbols);
    if (listener == null || closed) {
      return; // not started yet: connectMarket() picks the set up
    }
    if (marks.isEmpty()) {
      StreamLoop.cancel(market.retry);
      market.pacer.settled();
      WsConnection c = market.connection;
      market.connection = null;
      market.open = false;
      market.attempting = false;
      if (c != null) {
        c.close("no mark prices watched");
      }
      refreshState("no mark prices watched");
      return;
    }
    if (market.connection == null) {
      connectMarket();
    } else if (market.open) {
      marks.sync(market.connection::send);
    }
  }

  /** The one way to a new connection after any ending: the link's pacer says when. */
  private void scheduleRetry(Link link, RuntimeException cause) {
    Duration delay = link.pacer.next(clock.now(), cause);
    log.info(
        "{} stream: reconnecting in {} ms (attempt {})",
        link.name,
        delay.toMillis(),
        link.pacer.attempts());
    StreamLoop.cancel(link.retry);
    link.retry = loop.schedule(() -> connect(link), delay);
  }

  /** Leaves the current connection of {@code link}; a new one follows after the pacer's delay. */
  private void restart(Link link, ConnectionState announce, String why, boolean abort) {
    WsConnection old = link.connection;
    link.connection = null;
    link.open = false;
    link.attempting = false;
    if (old != null) {
      if (abort) {
        old.abort(why);
      } else {
        old.close(why);
      }
    }
    epoch++;
    synced = false;
    publish(announce, why);
    scheduleRetry(link, null);
  }

  // ------------------------------------------------------------------ connection events

  private Link linkOf(WsConnection c) {
    if (c == user.connection) {
      return user;
    }
    if (c == market.connection) {
      return market;
    }
    return null;
  }

  private void onOpened(WsConnection c) {
    Link link = linkOf(c);
    if (link == null || closed) {
      c.close("not needed");
      return;
    }
    link.open = true;
    link.attempting = false;
    link.pacer.opened(clock.now());
    if (link == market) {
      marks.sync(market.connection::send); // the watched set may have changed while connecting
    }
    epoch++;
    synced = false;
    refreshState(link.name + " stream connected");
    resyncs.request();
  }

  private void onClosed(WsConnection c, int code, String reason) {
    Link link = linkOf(c);
    if (link == null) {
      return; // a connection already left (rotated, stalled, closed on purpose)
    }
    link.connection = null;
    link.open = false;
    link.attempting = false;
    if (closed) {
      return;
    }
    epoch++;
    synced = false;
    String why =
        link.name + " stream closed (" + code + (reason.isEmpty() ? "" : " " + reason) + ")";
    log.warn(why);
    refreshState(why);
    scheduleRetry(link, null);
  }

  private void onText(WsConnection c, String text) {
    Link link = linkOf(c);
    if (link == null || closed) {
      return;
    }
    frames.read(
        link.name,
        text,
        new FrameReader.Target() {
          @Override
          public void event(StreamEvent event) {
            if (event instanceof StreamEvent.MarkPriceChanged m && !marks.watches(m.symbol())) {
              return; // a frame for a symbol just unsubscribed
            }
            if (state.admit(event)) {
              deliver(event);
            }
          }

          @Override
          public void listenKeyExpired() {
            if (link == user) {
              log.warn("listen key expired; opening a new one");
              listenKeys.forget();
              restart(user, ConnectionState.DISCONNECTED, "listen key expired", false);
            }
          }

          @Override
          public void unreadable(String type, String reason, int length) {
            BinanceStreams.this.unreadable(link, type, reason, length);
          }
        });
  }

  /**
   * A frame that could not be (fully) read: logged with its type, counted, and surfaced as a
   * downgrade from RESYNCED to CONNECTED while the REST resync fills the possible gap. The stream
   * itself carries on.
   */
  private void unreadable(Link link, String type, String reason, int length) {
    unreadable.incrementAndGet();
    log.error(
        "{} stream: unreadable {} message ({} chars): {}; resyncing over REST",
        link.name,
        type,
        length,
        reason);
    boolean wasSynced = synced;
    epoch++;
    synced = false;
    if (wasSynced) {
      publish(
          ConnectionState.CONNECTED,
          "unreadable " + type + " message on the " + link.name + " stream (" + reason + ")");
    }
    resyncs.request();
  }

  // ------------------------------------------------------------------ resync

  private boolean allOpen() {
    return user.open && (marks.isEmpty() || market.open);
  }

  /** The streams as the resync sees them. */
  private final class ResyncOwner implements Resyncs.Owner {
    @Override
    public boolean ready() {
      return !closed && allOpen();
    }

    @Override
    public long epoch() {
      return epoch;
    }

    @Override
    public StreamResync.Known known() {
      return new StreamResync.Known(
          state.openPositionSymbols(), state.liveStops(), state.openOrders(), marks.watched());
    }

    @Override
    public void apply(StreamResync.Result result) {
      for (StreamEvent.PositionChanged p : result.positions()) {
        if (state.admitResyncPosition(p)) {
          deliver(p);
        }
      }
      for (StreamEvent e : result.others()) {
        if (e instanceof StreamEvent.MarkPriceChanged m && !marks.watches(m.symbol())) {
          continue;
        }
        if (state.admit(e)) {
          deliver(e);
        }
      }
    }

    @Override
    public void synced() {
      synced = true;
      refreshState("resynced over REST");
    }
  }

  // ------------------------------------------------------------------ housekeeping

  private void tick() {
    if (closed || listener == null) {
      return;
    }
    Instant now = clock.now();
    checkLiveness(user, now);
    checkLiveness(market, now);
    listenKeys.tick(
        now,
        user.open,
        why -> {
          if (!closed) {
            restart(user, ConnectionState.DISCONNECTED, why, false);
          }
        });
  }

  private void checkLiveness(Link link, Instant now) {
    WsConnection c = link.connection;
    if (c == null || !link.open) {
      return;
    }
    Duration idle = Duration.between(c.lastInbound(), now);
    if (idle.compareTo(config.stallTimeout()) >= 0) {
      String why = link.name + " stream stalled: nothing received for " + idle.toMillis() + " ms";
      log.warn("{}; reconnecting", why);
      restart(link, ConnectionState.DISCONNECTED, why, true);
      return;
    }
    Instant opened = c.openedAt();
    if (opened != null && Duration.between(opened, now).compareTo(config.maxConnectionAge()) >= 0) {
      log.info("{} stream: rotating before the venue's 24 h connection limit", link.name);
      restart(
          link,
          ConnectionState.CONNECTING,
          "rotating the " + link.name + " stream before the 24 h limit",
          false);
      return;
    }
    Instant pinged = c.lastPing();
    if (idle.compareTo(config.pingInterval()) >= 0
        && (pinged == null
            || Duration.between(pinged, now).compareTo(config.pingInterval()) >= 0)) {
      c.ping();
    }
  }

  // ------------------------------------------------------------------ delivery

  private void refreshState(String detail) {
    ConnectionState desired;
    if (allOpen()) {
      desired = synced ? ConnectionState.RESYNCED : ConnectionState.CONNECTED;
    } else {
      boolean userUp = user.open || user.attempting;
      boolean marketUp = marks.isEmpty() || market.open || market.attempting;
      desired = userUp && marketUp ? ConnectionState.CONNECTING : ConnectionState.DISCONNECTED;
    }
    publish(desired, detail);
  }

  private void publish(ConnectionState state, String detail) {
    if (state == reported) {
      return;
    }
    reported = state;
    log.info("streams {}: {}", state, detail);
    deliver(new StreamEvent.ConnectionChanged(state, detail, clock.now()));
  }

  private void deliver(StreamEvent event) {
    StreamListener target = listener;
    if (target == null || closed) {
      return;
    }
    try {
      target.onEvent(event);
    } catch (RuntimeException e) {
      // The listener's failure is its own; the stream must go on for the next event.
      log.error("stream listener failed on {}", event.getClass().getSimpleName(), e);
    }
  }

  private static void logFailure(String what, RuntimeException e) {
    if (e instanceof PortException) {
      log.warn("{}: {}", what, e.getMessage());
    } else {
      log.error("{}", what, e);
    }
  }

  private static String base(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** Hands the connections' callbacks to the loop. */
  private final class WsListener implements WsConnection.Listener {
    @Override
    public void opened(WsConnection connection) {
      loop.post(() -> onOpened(connection));
    }

    @Override
    public void text(WsConnection connection, String text) {
      loop.post(() -> onText(connection, text));
    }

    @Override
    public void closed(WsConnection connection, int code, String reason, boolean remote) {
      loop.post(() -> onClosed(connection, code, reason));
    }
  }
}
