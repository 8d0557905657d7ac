package io.positionkeeper.binance;

import io.positionkeeper.ports.model.Symbol;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The watched mark-price symbols and what the market connection is subscribed to: the connection
 * URL for a fresh connection, and the SUBSCRIBE/UNSUBSCRIBE frames that bring an open one to the
 * watched set. Loop-confined.
 */
final class MarkSubscriptions {
  private final String base;
  private Set<Symbol> watched = new TreeSet<>();
  private final Set<String> subscribed = new HashSet<>();
  private long frameId;

  MarkSubscriptions(URI marketStreamUrl) {
    String s = marketStreamUrl.toString();
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  void watch(Set<Symbol> symbols) {
    watched = new TreeSet<>(symbols);
  }

  Set<Symbol> watched() {
    return Set.copyOf(watched);
  }

  boolean isEmpty() {
    return watched.isEmpty();
  }

  boolean watches(Symbol symbol) {
    return watched.contains(symbol);
  }

  /** The URL of a new connection for the watched set, which it is then subscribed to. */
  URI connectionUrl() {
    List<String> names = names();
    subscribed.clear();
    subscribed.addAll(names);
    return URI.create(base + "/stream?streams=" + String.join("/", names));
  }

  /** Sends the frames that bring the open connection to the watched set through {@code send}. */
  void sync(Predicate<String> send) {
    List<String> want = names();
    List<String> add = new ArrayList<>();
    for (String name : want) {
      if (!subscribed.contains(name)) {
        add.add(name);
      }
    }
    List<String> remove = new ArrayList<>();
    for (String name : subscribed) {
      if (!want.contains(name)) {
        remove.add(name);
      }
    }
    if (!add.isEmpty() && send.test(frame("SUBSCRIBE", add))) {
      subscribed.addAll(add);
    }
    if (!remove.isEmpty() && send.test(frame("UNSUBSCRIBE", remove))) {
      remove.forEach(subscribed::remove);
    }
  }

  private String frame(String method, List<String> streams) {
    StringBuilder frame =
        new StringBuilder("{\"method\":\"").append(method).append("\",\"params\":[");
    for (int i = 0; i < streams.size(); i++) {
      frame.append(i == 0 ? "\"" : ",\"").append(streams.get(i)).append('"');
    }
    return frame.append("],\"id\":").append(++frameId).append('}').toString();
  }

  private List<String> names() {
    List<String> names = new ArrayList<>(watched.size());
    for (Symbol s : watched) {
      names.add(s.value().toLowerCase(Locale.ROOT) + "@markPrice@1s");
    }
    return names;
  }
}
