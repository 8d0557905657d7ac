package io.positionkeeper.binance;

import io.positionkeeper.binance.config.BinanceConfig;
import io.positionkeeper.binance.http.BinanceRestClient;
import io.positionkeeper.binance.parse.EventMapper;
import io.positionkeeper.binance.parse.StreamDecoder;
import io.positionkeeper.binance.parse.StreamMessage;
import io.positionkeeper.binance.parse.WireFormatException;
import io.positionkeeper.binance.ws.StreamState;
import io.positionkeeper.binance.ws.WsConnection;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.ExchangeStreams;
import io.positionkeeper.ports.PortException;
import io.positionkeeper.ports.RateLimitedException;
import io.positionkeeper.ports.RejectedException;
import io.positionkeeper.ports.StreamListener;
import io.positionkeeper.ports.model.ConnectionState;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExchangeStreams} for Binance USDⓈ-M futures: user data on {@code /private/ws/<listenKey>}
 * (ACCOUNT_UPDATE, ORDER_TRADE_UPDATE, ALGO_UPDATE, TRADE_LITE) and mark prices on {@code
 * /market/stream?streams=<symbol>@markPrice@1s/...}.
 *
 * <p>The listen key is created, extended every {@link BinanceConfig#listenKeyKeepAlive()} and
 * re-created on -1125 or {@code listenKeyExpired}. Connections reconnect with exponential backoff
 * and jitter, are rotated before the venue's 24 h limit, and are dropped when nothing (frame, ping,
 * pong) arrived for {@link BinanceConfig#stallTimeout()}. After every (re)connect, and after any
 * frame that could not be read (a possible gap), the view is refreshed over REST and only then is
 * {@link ConnectionState#RESYNCED} reported. Events are de-duplicated and delivered one at a time,
 * in order, on the streams' own thread.
 *
 * <p>All state lives on one loop thread; REST calls run on a separate I/O thread so that a slow
 * answer never holds back events.
 */
public final class BinanceStreams implements ExchangeStreams {
  private static final Logger log = LoggerFactory.getLogger(BinanceStreams.class);
  private static final Pattern EVENT_TYPE = Pattern.compile("\"e\"\\s*:\\s*\"([A-Za-z_]{1,40})\"");
  private static final String LISTEN_KEY_GONE = "-1125";

  private final BinanceConfig config;
  private final Clock clock;
  private final BinanceRestClient rest;
  private final StreamResync resync;
  private final ScheduledExecutorService loop;
  private final ExecutorService io;
  private volatile Thread loopThread;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicLong unreadable = new AtomicLong();
  private volatile ConnectionState reported = ConnectionState.DISCONNECTED;

  // ---- loop-confined state
  private final StreamState state = new StreamState(20_000);
  private final Link user = new Link("user-data");
  private final Link market = new Link("market");
  private final WsListener wsListener = new WsListener();
  private final MappingSink sink = new MappingSink();
  private StreamListener listener;
  private boolean closed;
  private Set<Symbol> watched = new TreeSet<>();
  private String listenKey;
  private Instant lastKeepAlive;
  private boolean keepAliveInFlight;
  private long subscriptionId;
  private long userAttempt;
  private long epoch;
  private boolean synced;
  private boolean resyncInFlight;
  private boolean resyncAgain;
  private int resyncFailures;
  private ScheduledFuture<?> resyncRetry;

  /** One stream's connection and its reconnect bookkeeping. */
  private static final class Link {
    final String name;
    WsConnection connection;
    boolean open;
    boolean attempting;
    int failures;
    ScheduledFuture<?> retry;
    final Set<String> subscribed = new HashSet<>();

    Link(String name) {
      this.name = name;
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
    this.rest = gateway.rest();
    this.resync = new StreamResync(gateway);
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "binance-streams");
              t.setDaemon(true);
              loopThread = t;
              return t;
            });
    this.io =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "binance-streams-rest");
              t.setDaemon(true);
              return t;
            });
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
    post(
        () -> {
          this.listener = listener;
          publish(ConnectionState.CONNECTING, "starting");
          connectUser();
          connectMarket();
        });
    long tick = config.housekeepingInterval().toMillis();
    loop.scheduleWithFixedDelay(() -> safely(this::tick), tick, tick, TimeUnit.MILLISECONDS);
  }

  @Override
  public void watchMarkPrices(Set<Symbol> symbols) {
    Set<Symbol> copy = Set.copyOf(symbols);
    post(() -> applyWatch(copy));
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
    Runnable shutdown =
        () -> {
          if (closed) {
            return;
          }
          publish(ConnectionState.DISCONNECTED, "closed");
          closed = true;
          listener = null;
          for (Link link : List.of(user, market)) {
            cancel(link.retry);
            WsConnection c = link.connection;
            link.connection = null;
            link.open = false;
            if (c != null) {
              c.close("client closed");
            }
          }
          cancel(resyncRetry);
          // The listen key is left to expire: the venue hands the same key to every consumer of
          // the account, so deleting it could cut another process off.
        };
    if (Thread.currentThread() == loopThread) {
      safely(shutdown);
    } else {
      try {
        Future<?> done = loop.submit(() -> safely(shutdown));
        done.get(5, TimeUnit.SECONDS);
      } catch (RejectedExecutionException e) {
        log.debug("stream loop already stopped");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
        log.warn("closing the streams did not complete cleanly: {}", e.toString());
      }
    }
    loop.shutdownNow();
    io.shutdownNow();
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
    cancel(user.retry);
    user.attempting = true;
    long attempt = ++userAttempt;
    refreshState("connecting the user-data stream");
    onIo(
        () -> {
          try {
            String key = rest.createListenKey();
            post(() -> openUser(attempt, key));
          } catch (RuntimeException e) {
            post(() -> userConnectFailed(attempt, e));
          }
        });
  }

  private void openUser(long attempt, String key) {
    if (closed || attempt != userAttempt || !user.attempting || user.connection != null) {
      return; // an attempt that was given up meanwhile
    }
    listenKey = key;
    lastKeepAlive = clock.now();
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
    user.failures++;
    logFailure("user-data stream: no listen key", e);
    refreshState("no listen key: " + e.getMessage());
    scheduleRetry(user, e);
  }

  private void connectMarket() {
    if (closed || watched.isEmpty() || market.connection != null || market.attempting) {
      return;
    }
    cancel(market.retry);
    market.attempting = true;
    List<String> names = streamNames(watched);
    URI uri =
        URI.create(base(config.marketStreamUrl()) + "/stream?streams=" + String.join("/", names));
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
    market.subscribed.clear();
    market.subscribed.addAll(names);
    refreshState("connecting the market stream");
    c.connect();
  }

  private void applyWatch(Set<Symbol> symbols) {
    watched = new TreeSet<>(symbols);
    if (listener == null || closed) {
      return; // not started yet: connectMarket() picks the set up
    }
    if (watched.isEmpty()) {
      cancel(market.retry);
      market.failures = 0;
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
      syncSubscriptions();
    }
  }

  /** Brings the open market connection's subscriptions to the watched set. */
  private void syncSubscriptions() {
    List<String> want = streamNames(watched);
    List<String> add = new ArrayList<>();
    for (String name : want) {
      if (!market.subscribed.contains(name)) {
        add.add(name);
      }
    }
    List<String> remove = new ArrayList<>();
    for (String name : market.subscribed) {
      if (!want.contains(name)) {
        remove.add(name);
      }
    }
    if (!add.isEmpty() && subscription("SUBSCRIBE", add)) {
      market.subscribed.addAll(add);
    }
    if (!remove.isEmpty() && subscription("UNSUBSCRIBE", remove)) {
      remove.forEach(market.subscribed::remove);
    }
  }

  private boolean subscription(String method, List<String> streams) {
    StringBuilder frame =
        new StringBuilder("{\"method\":\"").append(method).append("\",\"params\":[");
    for (int i = 0; i < streams.size(); i++) {
      frame.append(i == 0 ? "\"" : ",\"").append(streams.get(i)).append('"');
    }
    frame.append("],\"id\":").append(++subscriptionId).append('}');
    return market.connection.send(frame.toString());
  }

  private void scheduleRetry(Link link, RuntimeException cause) {
    Duration delay = backoff(link.failures);
    if (cause instanceof RateLimitedException r && r.retryAfter().compareTo(delay) > 0) {
      delay = r.retryAfter();
    }
    log.info("{} stream: reconnecting in {} ms", link.name, delay.toMillis());
    cancel(link.retry);
    link.retry =
        loop.schedule(() -> safely(() -> connect(link)), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Exponential backoff with jitter: half fixed, half random, so many clients do not align. */
  private Duration backoff(int failures) {
    long min = config.reconnectMinBackoff().toMillis();
    long max = config.reconnectMaxBackoff().toMillis();
    long exp = min << Math.min(Math.max(failures - 1, 0), 20);
    long capped = Math.min(Math.max(exp, min), max);
    long half = capped / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }

  /** Leaves the current connection of {@code link} and opens a new one at once. */
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
    connect(link);
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
    if (link == market) {
      syncSubscriptions(); // the watched set may have changed while connecting
    }
    epoch++;
    synced = false;
    refreshState(link.name + " stream connected");
    requestResync();
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
    link.failures++;
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
    StreamMessage message;
    try {
      message = StreamDecoder.decode(text);
    } catch (WireFormatException e) {
      unreadable(link, typeOf(text), e.getMessage(), text.length());
      return;
    } catch (RuntimeException e) {
      // Not expected from the decoder; still a frame we could not read, never a dead stream.
      log.error("{} stream: decoder failure", link.name, e);
      unreadable(link, typeOf(text), e.toString(), text.length());
      return;
    }
    switch (message) {
      case StreamMessage.ListenKeyExpired expired -> {
        if (link == user) {
          log.warn("listen key expired; opening a new one");
          listenKey = null;
          restart(user, ConnectionState.DISCONNECTED, "listen key expired", false);
        }
      }
      case StreamMessage.SubscriptionReply reply -> {
        if (!reply.error().isEmpty()) {
          unreadable(link, "subscription reply", "refused: " + reply.error(), text.length());
        }
      }
      default -> {
        sink.link = link;
        sink.type = message.type();
        sink.length = text.length();
        EventMapper.map(message, sink);
      }
    }
  }

  /** Receives mapped events and mapping problems of the frame being handled. */
  private final class MappingSink implements EventMapper.Sink {
    Link link;
    String type;
    int length;

    @Override
    public void event(StreamEvent event) {
      if (event instanceof StreamEvent.MarkPriceChanged m && !watched.contains(m.symbol())) {
        return; // a frame for a symbol just unsubscribed
      }
      if (state.admit(event)) {
        deliver(event);
      }
    }

    @Override
    public void problem(String description) {
      unreadable(link, type, description, length);
    }
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
    requestResync();
  }

  private static String typeOf(String text) {
    Matcher m = EVENT_TYPE.matcher(text.length() > 512 ? text.substring(0, 512) : text);
    return m.find() ? m.group(1) : "untyped";
  }

  // ------------------------------------------------------------------ resync

  private boolean allOpen() {
    return user.open && (watched.isEmpty() || market.open);
  }

  private void requestResync() {
    if (closed || !allOpen()) {
      return; // it runs once every connection is up
    }
    if (resyncInFlight) {
      resyncAgain = true;
      return;
    }
    resyncInFlight = true;
    resyncAgain = false;
    cancel(resyncRetry);
    long startedIn = epoch;
    StreamResync.Known known =
        new StreamResync.Known(
            state.openPositionSymbols(),
            state.liveStops(),
            state.openOrders(),
            Set.copyOf(watched));
    onIo(
        () -> {
          try {
            StreamResync.Result result = resync.fetch(known);
            post(() -> resynced(startedIn, result));
          } catch (RuntimeException e) {
            post(() -> resyncFailed(e));
          }
        });
  }

  private void resynced(long startedIn, StreamResync.Result result) {
    resyncInFlight = false;
    if (closed) {
      return;
    }
    for (StreamEvent.PositionChanged p : result.positions()) {
      if (state.admitResyncPosition(p)) {
        deliver(p);
      }
    }
    for (StreamEvent e : result.others()) {
      if (e instanceof StreamEvent.MarkPriceChanged m && !watched.contains(m.symbol())) {
        continue;
      }
      if (state.admit(e)) {
        deliver(e);
      }
    }
    if (resyncAgain || startedIn != epoch) {
      requestResync(); // something happened meanwhile: this view may already be stale
      return;
    }
    if (!allOpen()) {
      return;
    }
    synced = true;
    resyncFailures = 0;
    user.failures = 0;
    market.failures = 0;
    refreshState("resynced over REST");
  }

  private void resyncFailed(RuntimeException e) {
    resyncInFlight = false;
    if (closed) {
      return;
    }
    resyncFailures++;
    Duration delay = backoff(resyncFailures);
    if (e instanceof RateLimitedException r && r.retryAfter().compareTo(delay) > 0) {
      delay = r.retryAfter();
    }
    logFailure("resync failed; retrying in " + delay.toMillis() + " ms", e);
    cancel(resyncRetry);
    resyncRetry =
        loop.schedule(() -> safely(this::requestResync), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ housekeeping

  private void tick() {
    if (closed || listener == null) {
      return;
    }
    Instant now = clock.now();
    checkLiveness(user, now);
    checkLiveness(market, now);
    keepAlive(now);
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

  private void keepAlive(Instant now) {
    if (listenKey == null || !user.open || keepAliveInFlight) {
      return;
    }
    if (Duration.between(lastKeepAlive, now).compareTo(config.listenKeyKeepAlive()) < 0) {
      return;
    }
    keepAliveInFlight = true;
    String key = listenKey;
    onIo(
        () -> {
          try {
            rest.keepAliveListenKey();
            post(() -> keptAlive(key, null));
          } catch (RuntimeException e) {
            post(() -> keptAlive(key, e));
          }
        });
  }

  private void keptAlive(String key, RuntimeException failure) {
    keepAliveInFlight = false;
    if (closed || !key.equals(listenKey)) {
      return;
    }
    if (failure == null) {
      lastKeepAlive = clock.now();
      log.debug("listen key extended");
      return;
    }
    if (failure instanceof RejectedException r && r.code().equals(LISTEN_KEY_GONE)) {
      log.warn("listen key no longer valid (-1125); opening a new one");
      listenKey = null;
      restart(user, ConnectionState.DISCONNECTED, "listen key no longer valid (-1125)", false);
      return;
    }
    Duration retry =
        config.listenKeyKeepAlive().compareTo(Duration.ofMinutes(1)) < 0
            ? config.listenKeyKeepAlive()
            : Duration.ofMinutes(1);
    logFailure("listen key keep-alive failed; retrying in " + retry.toSeconds() + " s", failure);
    lastKeepAlive = clock.now().minus(config.listenKeyKeepAlive()).plus(retry);
  }

  // ------------------------------------------------------------------ delivery and plumbing

  private void refreshState(String detail) {
    ConnectionState desired;
    if (allOpen()) {
      desired = synced ? ConnectionState.RESYNCED : ConnectionState.CONNECTED;
    } else {
      boolean userUp = user.open || user.attempting;
      boolean marketUp = watched.isEmpty() || market.open || market.attempting;
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

  private void post(Runnable task) {
    try {
      loop.execute(() -> safely(task));
    } catch (RejectedExecutionException e) {
      log.debug("stream loop stopped; dropping a task after close");
    }
  }

  private void onIo(Runnable task) {
    try {
      io.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("stream I/O stopped; dropping a request after close");
    }
  }

  /** Runs a loop task; an unexpected failure is logged, never lost inside the executor. */
  private static void safely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("stream loop task failed", e);
    }
  }

  private static void cancel(ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  private static List<String> streamNames(Set<Symbol> symbols) {
    List<String> names = new ArrayList<>(symbols.size());
    for (Symbol s : symbols) {
      names.add(s.value().toLowerCase(Locale.ROOT) + "@markPrice@1s");
    }
    return names;
  }

  private static String base(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** Hands the connections' callbacks to the loop. */
  private final class WsListener implements WsConnection.Listener {
    @Override
    public void opened(WsConnection connection) {
      post(() -> onOpened(connection));
    }

    @Override
    public void text(WsConnection connection, String text) {
      post(() -> onText(connection, text));
    }

    @Override
    public void closed(WsConnection connection, int code, String reason, boolean remote) {
      post(() -> onClosed(connection, code, reason));
    }
  }
}
