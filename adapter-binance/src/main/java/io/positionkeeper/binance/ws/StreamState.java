package io.positionkeeper.binance.ws;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.ExchangeOrderId;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the streams have told the listener so far, to deliver each change once: a repeated frame
 * (after a reconnect, or the same fill seen live and by a REST resync) is dropped, and a resync
 * answer older than a live event does not overwrite it. It also remembers the open orders and
 * working stops that a resync must look up. Not thread-safe: the streams' loop owns it.
 */
public final class StreamState {

  /** The last position delivered for a symbol, with the venue time it is valid for. */
  public record PositionView(BigDecimal size, BigDecimal entry, Instant time) {}

  /** An order that can still change, as last delivered. */
  public record OpenOrder(
      Symbol symbol,
      ExchangeOrderId orderId,
      java.util.Optional<ClientOrderId> clientOrderId,
      BigDecimal filledQuantity,
      BigDecimal averagePrice) {}

  /** A stop that was last seen working or triggered. */
  public record LiveStop(
      Symbol symbol, ClientOrderId clientId, BigDecimal triggerPrice, StopStatus status) {}

  private final Map<Symbol, PositionView> positions = new HashMap<>();
  private final Map<ExchangeOrderId, OpenOrder> openOrders = new LinkedHashMap<>();
  private final Map<ClientOrderId, LiveStop> liveStops = new LinkedHashMap<>();
  private final Map<Symbol, Instant> markTimes = new HashMap<>();

  private record OrderKey(ExchangeOrderId id, OrderStatus status, BigDecimal filled, long time) {}

  private record StopKey(ClientOrderId id, StopStatus status, BigDecimal filled) {}

  private final Bounded<OrderKey> seenOrderEvents;
  private final Bounded<StopKey> seenStopEvents;
  private final Bounded<ExchangeOrderId> finalOrders;
  private final Bounded<ClientOrderId> finalStops;

  /** Remembers about {@code memory} delivered order and stop events for de-duplication. */
  public StreamState(int memory) {
    if (memory < 16) {
      throw new IllegalArgumentException("memory must be >= 16, was " + memory);
    }
    seenOrderEvents = new Bounded<>(memory);
    seenStopEvents = new Bounded<>(memory);
    finalOrders = new Bounded<>(memory);
    finalStops = new Bounded<>(memory);
  }

  /** Whether a live stream event is new; if so it is remembered as delivered. */
  public boolean admit(StreamEvent event) {
    return switch (event) {
      case StreamEvent.PositionChanged p -> admitPosition(p, false);
      case StreamEvent.OrderChanged o -> admitOrder(o);
      case StreamEvent.StopChanged s -> admitStop(s);
      case StreamEvent.MarkPriceChanged m -> admitMark(m);
      case StreamEvent.ConnectionChanged c -> true;
    };
  }

  /**
   * Whether a position read over REST changes what was delivered, and is not older than the last
   * live update of that symbol.
   */
  public boolean admitResyncPosition(StreamEvent.PositionChanged p) {
    return admitPosition(p, true);
  }

  private boolean admitPosition(StreamEvent.PositionChanged p, boolean fromResync) {
    PositionView last = positions.get(p.symbol());
    if (last != null) {
      if (last.size.compareTo(p.signedSize()) == 0 && last.entry.compareTo(p.entryPrice()) == 0) {
        return false;
      }
      if (fromResync && last.time.isAfter(p.time())) {
        return false; // a live update arrived after the REST answer was taken
      }
    }
    positions.put(p.symbol(), new PositionView(p.signedSize(), p.entryPrice(), p.time()));
    return true;
  }

  private boolean admitOrder(StreamEvent.OrderChanged o) {
    // stripTrailingZeros: "0.010" and "0.0100" are the same fill (BigDecimal.equals sees scale).
    OrderKey key =
        new OrderKey(
            o.orderId(),
            o.status(),
            o.filledQuantity().stripTrailingZeros(),
            o.time().toEpochMilli());
    if (seenOrderEvents.contains(key)) {
      return false;
    }
    boolean terminal = o.status().isFinal();
    if (!terminal && finalOrders.contains(o.orderId())) {
      return false; // an older, non-final view of an order already reported final
    }
    OpenOrder known = openOrders.get(o.orderId());
    if (known != null && known.filledQuantity().compareTo(o.filledQuantity()) > 0) {
      return false; // fills only grow: this view is older than one already delivered
    }
    seenOrderEvents.add(key);
    if (terminal) {
      openOrders.remove(o.orderId());
      finalOrders.add(o.orderId());
    } else {
      openOrders.put(
          o.orderId(),
          new OpenOrder(
              o.symbol(), o.orderId(), o.clientOrderId(), o.filledQuantity(), o.averagePrice()));
    }
    return true;
  }

  private boolean admitStop(StreamEvent.StopChanged s) {
    StopKey key = new StopKey(s.clientId(), s.status(), s.filledQuantity().stripTrailingZeros());
    if (seenStopEvents.contains(key)) {
      return false;
    }
    boolean terminal = s.status().isFinal();
    if (!terminal && finalStops.contains(s.clientId())) {
      return false;
    }
    LiveStop known = liveStops.get(s.clientId());
    if (s.status() == StopStatus.WORKING
        && known != null
        && known.status() == StopStatus.TRIGGERED) {
      return false; // a WORKING view is older than the trigger already delivered
    }
    seenStopEvents.add(key);
    if (terminal) {
      liveStops.remove(s.clientId());
      finalStops.add(s.clientId());
    } else {
      liveStops.put(
          s.clientId(), new LiveStop(s.symbol(), s.clientId(), s.triggerPrice(), s.status()));
    }
    return true;
  }

  private boolean admitMark(StreamEvent.MarkPriceChanged m) {
    Instant last = markTimes.get(m.symbol());
    if (last != null && !m.time().isAfter(last)) {
      return false;
    }
    markTimes.put(m.symbol(), m.time());
    return true;
  }

  /** The symbols whose last delivered position is not flat. */
  public Set<Symbol> openPositionSymbols() {
    return positions.entrySet().stream()
        .filter(e -> e.getValue().size.signum() != 0)
        .map(Map.Entry::getKey)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  public Map<Symbol, PositionView> positions() {
    return Map.copyOf(positions);
  }

  public List<OpenOrder> openOrders() {
    return List.copyOf(openOrders.values());
  }

  public List<LiveStop> liveStops() {
    return List.copyOf(liveStops.values());
  }

  /** An insertion-ordered set that forgets its oldest entries beyond a bound. */
  private static final class Bounded<T> {
    private final LinkedHashMap<T, Boolean> map;

    Bounded(int capacity) {
      this.map =
          new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<T, Boolean> eldest) {
              return size() > capacity;
            }
          };
    }

    boolean contains(T value) {
      return map.containsKey(Objects.requireNonNull(value));
    }

    void add(T value) {
      map.put(value, Boolean.TRUE);
    }
  }
}
