package io.positionkeeper.binance;

import io.positionkeeper.binance.parse.EventMapper;
import io.positionkeeper.binance.parse.StreamDecoder;
import io.positionkeeper.binance.parse.StreamMessage;
import io.positionkeeper.binance.parse.WireFormatException;
import io.positionkeeper.binance.ws.WsConnection;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mark prices from Binance's public market stream alone: no API key, no listen key, no REST call.
 * For a paper session on live prices, where orders go to an in-memory venue and only the prices
 * come from Binance. Connects to {@code <market>/stream?streams=<symbol>@markPrice@1s/...} (the
 * combined form of the {@code /market} route), hands each mark to {@code sink} on the connection's
 * thread, and reconnects after a drop or when nothing arrived for {@code silence} (the stream
 * pushes every second). A frame it cannot read is reported to {@code problems} and skipped; later
 * frames are still read.
 */
public final class BinanceMarkPriceFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BinanceMarkPriceFeed.class);

  private final URI url;
  private final Set<Symbol> symbols;
  private final Clock clock;
  private final Consumer<StreamEvent.MarkPriceChanged> sink;
  private final Consumer<String> problems;
  private final Duration silence;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("binance-mark-feed").daemon(true).unstarted(r));
  private volatile WsConnection connection;
  private volatile boolean closed;

  private BinanceMarkPriceFeed(
      URI marketStreamUrl,
      Set<Symbol> symbols,
      Clock clock,
      Duration silence,
      Consumer<StreamEvent.MarkPriceChanged> sink,
      Consumer<String> problems) {
    if (symbols.isEmpty()) {
      throw new IllegalArgumentException("a mark-price feed needs at least one symbol");
    }
    this.symbols = Set.copyOf(symbols);
    MarkSubscriptions names = new MarkSubscriptions(marketStreamUrl);
    names.watch(this.symbols);
    this.url = names.connectionUrl();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.silence = Objects.requireNonNull(silence, "silence");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.problems = Objects.requireNonNull(problems, "problems");
  }

  /**
   * Starts the feed for {@code symbols} on the market stream base URL (for Binance {@code
   * wss://fstream.binance.com/market}).
   */
  public static BinanceMarkPriceFeed open(
      URI marketStreamUrl,
      Set<Symbol> symbols,
      Clock clock,
      Consumer<StreamEvent.MarkPriceChanged> sink,
      Consumer<String> problems) {
    BinanceMarkPriceFeed feed =
        new BinanceMarkPriceFeed(
            marketStreamUrl, symbols, clock, Duration.ofSeconds(10), sink, problems);
    feed.connect();
    long every = feed.silence.toMillis() / 2;
    feed.timer.scheduleWithFixedDelay(feed::checkSilence, every, every, TimeUnit.MILLISECONDS);
    return feed;
  }

  /** The address it connects to (no secret in it). */
  public URI url() {
    return url;
  }

  private void connect() {
    if (closed) {
      return;
    }
    WsConnection c =
        new WsConnection("mark-feed", url, url.toString(), "", 10_000, clock, new Listener());
    connection = c;
    c.connect();
  }

  private void checkSilence() {
    WsConnection c = connection;
    if (c != null && c.isOpen() && clock.now().isAfter(c.lastInbound().plus(silence))) {
      log.warn("mark feed: nothing for {}; reconnecting", silence);
      c.abort("silent for " + silence);
    }
  }

  private final class Listener implements WsConnection.Listener {
    @Override
    public void opened(WsConnection c) {
      log.info("mark feed open: {}", url);
    }

    @Override
    public void text(WsConnection c, String text) {
      StreamMessage message;
      try {
        message = StreamDecoder.decode(text);
      } catch (WireFormatException e) {
        problems.accept("unreadable mark-price frame: " + e.getMessage());
        return;
      }
      if (message instanceof StreamMessage.MarkPriceUpdate m) {
        deliver(m);
      } else if (message instanceof StreamMessage.MarkPriceBatch b) {
        b.updates().forEach(this::deliver);
      } else if (message instanceof StreamMessage.SubscriptionReply r && !r.error().isEmpty()) {
        problems.accept("subscription refused: " + r.error());
      }
    }

    private void deliver(StreamMessage.MarkPriceUpdate m) {
      StreamEvent.MarkPriceChanged event;
      try {
        event = EventMapper.markPrice(m);
      } catch (IllegalArgumentException e) {
        problems.accept("mark price of " + m.symbol() + " refused: " + e.getMessage());
        return;
      }
      if (symbols.contains(event.symbol())) {
        sink.accept(event);
      }
    }

    @Override
    public void closed(WsConnection c, int code, String reason, boolean remote) {
      if (closed) {
        return;
      }
      log.warn("mark feed closed ({} {}); reconnecting in 1 s", code, reason);
      try {
        timer.schedule(BinanceMarkPriceFeed.this::connect, 1, TimeUnit.SECONDS);
      } catch (RejectedExecutionException e) {
        log.debug("mark feed closed while reconnecting");
      }
    }
  }

  /** When a mark last arrived on the current connection (for tests and progress). */
  public Instant lastInbound() {
    WsConnection c = connection;
    return c == null ? Instant.EPOCH : c.lastInbound();
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    WsConnection c = connection;
    if (c != null) {
      c.close("feed closed");
    }
  }
}
