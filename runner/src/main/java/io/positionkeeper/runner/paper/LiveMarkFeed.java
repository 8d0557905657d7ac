package io.positionkeeper.runner.paper;

import io.positionkeeper.binance.BinanceMarkPriceFeed;
import io.positionkeeper.ports.Clock;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mark prices from Binance's public mark-price stream (no key): the paper session trades on live
 * prices while its orders go to the in-memory venue. Runs for {@code duration} of wall time or
 * until {@link #stop()}. A mark is stamped with the venue's event time; one older than the last
 * (after a reconnect) is dropped, so the session's clock never goes back.
 */
public final class LiveMarkFeed implements MarkFeed {
  private static final Logger log = LoggerFactory.getLogger(LiveMarkFeed.class);
  private static final MarkTick END =
      new MarkTick(Instant.EPOCH, Symbol.of("END"), java.math.BigDecimal.ONE);

  private final Set<Symbol> symbols;
  private final Duration duration;
  private final Duration firstMarkTimeout;
  private final LinkedBlockingQueue<MarkTick> queue = new LinkedBlockingQueue<>();
  private final BinanceMarkPriceFeed feed;
  private final URI url;
  private final List<MarkTick> early = new ArrayList<>();
  private volatile long startedNanos;
  private volatile boolean stopped;
  private Instant last = Instant.EPOCH;

  public LiveMarkFeed(
      URI marketStreamUrl, Set<Symbol> symbols, Duration duration, Duration firstMarkTimeout) {
    this.symbols = Set.copyOf(symbols);
    this.duration = duration;
    this.firstMarkTimeout = firstMarkTimeout;
    this.feed =
        BinanceMarkPriceFeed.open(
            marketStreamUrl, this.symbols, Clock.system(), this::offer, p -> log.warn("{}", p));
    this.url = feed.url();
  }

  private void offer(StreamEvent.MarkPriceChanged m) {
    queue.add(new MarkTick(m.time(), m.symbol(), m.markPrice()));
  }

  /** Waits for one mark of every symbol; the marks of other symbols seen meanwhile come next. */
  @Override
  public List<MarkTick> firstMarks() throws InterruptedException {
    Map<Symbol, MarkTick> first = new LinkedHashMap<>();
    long deadline = System.nanoTime() + firstMarkTimeout.toNanos();
    while (first.size() < symbols.size()) {
      MarkTick t = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (t == null) {
        Set<Symbol> missing = new java.util.TreeSet<>(symbols);
        missing.removeAll(first.keySet());
        throw new IllegalStateException(
            "no mark price for "
                + missing
                + " from "
                + url
                + " within "
                + firstMarkTimeout
                + " (is the symbol listed on Binance USD-M futures, is the network up?)");
      }
      if (t == END) {
        throw new IllegalStateException("stopped before every symbol had a live mark price");
      }
      first.putIfAbsent(t.symbol(), t);
      early.add(t);
    }
    startedNanos = System.nanoTime();
    return new ArrayList<>(first.values());
  }

  @Override
  public Optional<MarkTick> next() throws InterruptedException {
    while (true) {
      MarkTick t = early.isEmpty() ? poll() : early.remove(0);
      if (t == null || t == END) {
        return Optional.empty();
      }
      if (!t.at().isBefore(last)) {
        last = t.at();
        return Optional.of(t);
      }
    }
  }

  private MarkTick poll() throws InterruptedException {
    long left = startedNanos + duration.toNanos() - System.nanoTime();
    if (stopped || left <= 0) {
      return null;
    }
    return queue.poll(left, TimeUnit.NANOSECONDS);
  }

  @Override
  public long done() {
    return startedNanos == 0 ? 0 : (System.nanoTime() - startedNanos) / 1_000_000_000L;
  }

  @Override
  public long total() {
    return Math.max(1, duration.toSeconds());
  }

  @Override
  public void stop() {
    stopped = true;
    queue.add(END);
  }

  @Override
  public void close() {
    feed.close();
  }
}
