package io.positionkeeper.bybit;

import io.positionkeeper.ports.model.ClientOrderId;
import io.positionkeeper.ports.model.OrderStatus;
import io.positionkeeper.ports.model.StopStatus;
import io.positionkeeper.ports.model.StreamEvent;
import io.positionkeeper.ports.model.Symbol;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the streams told the listener so far, to deliver each change once: Bybit pushes a {@code
 * position} row on every amend even when nothing changed, a reconnect can repeat rows, and the REST
 * resync after a reconnect repeats positions the stream already reported. A repeated view is
 * dropped, an order view older than one delivered (fills only grow; nothing follows a final state)
 * is dropped, and a resync answer taken before a live update of the symbol does not overwrite it.
 * Not thread-safe: the streams' loop owns it.
 */
final class Delivered {
  private record PositionView(BigDecimal size, BigDecimal entry, Instant time) {}

  private record OrderView(OrderStatus status, BigDecimal filled) {}

  private record StopView(
      ClientOrderId id, StopStatus status, BigDecimal trigger, BigDecimal filled) {}

  private final Map<Symbol, PositionView> positions = new HashMap<>();
  private final Map<String, OrderView> orders;
  private final Map<Symbol, StopView> stops = new HashMap<>();

  /** Remembers the last view of up to {@code memory} orders, the oldest forgotten first. */
  Delivered(int memory) {
    if (memory < 16) {
      throw new IllegalArgumentException("memory must be >= 16, was " + memory);
    }
    this.orders =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, OrderView> eldest) {
            return size() > memory;
          }
        };
  }

  /** Whether a live stream event is new; if so it is remembered as delivered. */
  boolean admit(StreamEvent event) {
    return switch (event) {
      case StreamEvent.PositionChanged p -> admitPosition(p, false);
      case StreamEvent.OrderChanged o -> admitOrder(o);
      case StreamEvent.StopChanged s -> admitStop(s);
      case StreamEvent.MarkPriceChanged m -> true;
      case StreamEvent.ConnectionChanged c -> true;
    };
  }

  /**
   * Whether a position read over REST changes what was delivered and was not taken before the last
   * live update of its symbol.
   */
  boolean admitResync(StreamEvent.PositionChanged p) {
    return admitPosition(p, true);
  }

  private boolean admitPosition(StreamEvent.PositionChanged p, boolean fromResync) {
    PositionView last = positions.get(p.symbol());
    if (last != null) {
      if (last.size().compareTo(p.signedSize()) == 0
          && last.entry().compareTo(p.entryPrice()) == 0) {
        return false;
      }
      if (fromResync && last.time().isAfter(p.time())) {
        return false;
      }
    }
    positions.put(p.symbol(), new PositionView(p.signedSize(), p.entryPrice(), p.time()));
    return true;
  }

  private boolean admitOrder(StreamEvent.OrderChanged o) {
    String id = o.orderId().value();
    OrderView last = orders.get(id);
    if (last != null) {
      int growth = o.filledQuantity().compareTo(last.filled());
      boolean same = growth == 0 && last.status() == o.status();
      boolean older = growth < 0 || (last.status().isFinal() && !o.status().isFinal());
      if (same || older) {
        return false;
      }
    }
    orders.put(id, new OrderView(o.status(), o.filledQuantity()));
    return true;
  }

  private boolean admitStop(StreamEvent.StopChanged s) {
    StopView view = new StopView(s.clientId(), s.status(), s.triggerPrice(), s.filledQuantity());
    StopView last = stops.get(s.symbol());
    if (last != null
        && last.id().equals(view.id())
        && last.status() == view.status()
        && last.trigger().compareTo(view.trigger()) == 0
        && last.filled().compareTo(view.filled()) == 0) {
      return false;
    }
    stops.put(s.symbol(), view);
    return true;
  }
}
